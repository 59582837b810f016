"""A Redis cache that treats an unreachable Redis as an empty cache, so pages, sign-in and rate limits keep
working (uncached, limits open) while Redis is down, and pick up again when it is back."""

from __future__ import annotations

import logging
import time

import redis
from django.core.cache.backends.redis import RedisCache, RedisCacheClient

logger = logging.getLogger("maktaba.cache")
DOWN = (redis.ConnectionError, redis.TimeoutError, OSError)


class ReusedClientRedisCacheClient(RedisCacheClient):
    """Django makes a new ``redis.Redis`` around the connection pool for every cache call, which costs more CPU than
    the call itself (about a millisecond, measured on a lesson page with four cache reads). One client per pool is
    kept instead: a ``redis.Redis`` is safe to share between threads, and its pool notices a fork."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients: dict = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class ResilientRedisCache(RedisCache):
    _last_warning = 0.0

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient

    def _down(self, error: Exception) -> None:
        now = time.monotonic()
        if now - ResilientRedisCache._last_warning > 60:  # one line a minute, not one per request
            ResilientRedisCache._last_warning = now
            logger.warning("Redis cache unreachable, serving without cache: %s", error)

    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except DOWN as error:
            self._down(error)
            return default

    def get_many(self, keys, version=None):
        try:
            return super().get_many(keys, version)
        except DOWN as error:
            self._down(error)
            return {}

    def has_key(self, key, version=None):
        try:
            return super().has_key(key, version)
        except DOWN as error:
            self._down(error)
            return False

    def add(self, key, value, timeout=None, version=None):
        try:
            return super().add(key, value, timeout, version)
        except DOWN as error:
            self._down(error)
            return False

    def set(self, key, value, timeout=None, version=None):
        try:
            return super().set(key, value, timeout, version)
        except DOWN as error:
            self._down(error)

    def set_many(self, data, timeout=None, version=None):
        try:
            return super().set_many(data, timeout, version)
        except DOWN as error:
            self._down(error)
            return list(data)

    def touch(self, key, timeout=None, version=None):
        try:
            return super().touch(key, timeout, version)
        except DOWN as error:
            self._down(error)
            return False

    def delete(self, key, version=None):
        try:
            return super().delete(key, version)
        except DOWN as error:
            self._down(error)
            return False

    def delete_many(self, keys, version=None):
        try:
            return super().delete_many(keys, version)
        except DOWN as error:
            self._down(error)

    def incr(self, key, delta=1, version=None):
        try:
            return super().incr(key, delta, version)
        except DOWN as error:
            self._down(error)
            raise ValueError("cache unavailable") from error

    def clear(self):
        try:
            return super().clear()
        except DOWN as error:
            self._down(error)
            return False
