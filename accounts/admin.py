from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.utils.translation import gettext_lazy as _

from . import services
from .models import ApiToken, AuditEntry, Country, Institution, PartnerSite, Region, RoleGrant, User


class RoleGrantInline(admin.TabularInline):
    model = RoleGrant
    fk_name = "user"
    extra = 0
    fields = ["role", "country", "region", "partner_site", "granted_at", "granted_by"]
    readonly_fields = ["granted_at", "granted_by"]
    autocomplete_fields = ["country", "region"]


class UserCreationAdminForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ["email", "username", "full_name"]


class UserChangeAdminForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserChangeAdminForm
    add_form = UserCreationAdminForm
    inlines = [RoleGrantInline]
    list_display = ["full_name", "email", "username", "country", "is_active", "last_activity"]
    list_filter = ["is_active", "is_staff", "is_superuser", "role_grants__role", "preferred_language"]
    search_fields = ["full_name", "email", "username", "national_teacher_id"]
    ordering = ["full_name"]
    autocomplete_fields = ["country", "region", "institution"]
    list_select_related = ["country"]
    fieldsets = [
        (None, {"fields": ["email", "username", "password", "must_change_password"]}),
        (_("Personal information"), {"fields": User.PROFILE_FIELDS}),
        (_("Permissions"), {"fields": ["is_active", "is_staff", "is_superuser", "groups"]}),
        (_("Important dates"), {"fields": ["last_login", "last_activity", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["email", "username", "full_name", "password1", "password2", "must_change_password"],
            },
        )
    ]
    readonly_fields = ["last_login", "last_activity", "date_joined"]

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for instance in instances:
            if isinstance(instance, RoleGrant) and not instance.granted_by_id:
                instance.granted_by = request.user
            instance.save()
        for obj in formset.deleted_objects:
            obj.delete()
        formset.save_m2m()
        if formset.model is RoleGrant:
            services.user_sync_groups(form.instance)


@admin.register(Country)
class CountryAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "country"]
    list_filter = ["country"]
    search_fields = ["name", "code"]
    autocomplete_fields = ["country"]


@admin.register(Institution)
class InstitutionAdmin(admin.ModelAdmin):
    list_display = ["name", "country", "region"]
    search_fields = ["name"]
    autocomplete_fields = ["country", "region"]
    list_select_related = ["country", "region"]


@admin.register(PartnerSite)
class PartnerSiteAdmin(admin.ModelAdmin):
    list_display = ["site", "country"]
    autocomplete_fields = ["country"]


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """The audit log, read-only: who saw whose personal data, and when."""

    list_display = ("created_at", "actor", "action", "subject", "detail")
    list_filter = ("action",)
    search_fields = ("actor__email", "subject__email", "detail")
    date_hierarchy = "created_at"
    list_select_related = ("actor", "subject")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """API tokens, read-only: their owners make and revoke them on their own page; only the key's hash is stored.
    Deleting stays possible, or deleting an account here would be refused for the tokens it takes with it."""

    list_display = ("name", "user", "created_at", "last_used_at", "expires_at", "revoked_at")
    list_filter = ("revoked_at", "expires_at")
    search_fields = ("name", "user__email", "user__username")
    date_hierarchy = "created_at"
    list_select_related = ("user",)
    exclude = ("key_hash",)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
