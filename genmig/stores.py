"""Where the page cache keeps what it keeps: the cache backends of settings.CACHES, and the
bodies each worker process keeps in its own memory (genmig/cache.py)."""

import random
import threading
from collections import OrderedDict

from django.core.cache.backends.filebased import FileBasedCache as DjangoFileBasedCache
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient

# The page cache's generation (see genmig/cache.py) and when the clock next changes a page.
GENERATION_KEY = "pagecache:generation"
CLOCK_KEY = "pagecache:clock"


class LocalBodies:
    """The bodies of cached pages this process served lately, up to `max_bytes` in all.

    Kept by ETag, a hash of the body, so a copy here is never out of date: whether a page is
    fresh is decided from the shared cache on every request, but a large page's body (the
    partners page with hundreds of partners) need not cross the network every time.
    """

    def __init__(self, max_bytes):
        self.max_bytes = max_bytes
        self.size = 0
        self.bodies = OrderedDict()
        self.lock = threading.Lock()

    def get(self, etag):
        with self.lock:
            body = self.bodies.get(etag)
            if body is not None:
                self.bodies.move_to_end(etag)
            return body

    def put(self, etag, body):
        with self.lock:
            if etag in self.bodies or len(body) > self.max_bytes:
                return
            self.bodies[etag] = body
            self.size += len(body)
            while self.size > self.max_bytes:
                _etag, dropped = self.bodies.popitem(last=False)
                self.size -= len(dropped)


class FileBasedCache(DjangoFileBasedCache):
    """Django's file cache (settings.CACHES without REDIS_URL), whose culling spares the
    generation and the clock: past MAX_ENTRIES it drops a share of the files at random, and
    a generation dropped would make every cached page stale at once."""

    kept_keys = (GENERATION_KEY, CLOCK_KEY)

    def _cull(self):
        kept = {self._key_to_file(key) for key in self.kept_keys}
        files = [name for name in self._list_cache_files() if name not in kept]
        if len(files) + len(kept) < self._max_entries:
            return
        if self._cull_frequency == 0:
            self.clear()
            return
        for name in random.sample(files, int(len(files) / self._cull_frequency)):
            self._delete(name)


class ReusingRedisCacheClient(RedisCacheClient):
    """Django's client builds a new redis.Redis, with its table of some 170 reply handlers,
    for every cache call; one per connection pool does, and takes that off every request."""

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        clients = self.__dict__.setdefault("_clients", {})
        if pool not in clients:
            clients[pool] = self._client(connection_pool=pool)
        return clients[pool]


class RedisCache(DjangoRedisCache):
    """Django's RedisCache (settings.CACHES when REDIS_URL is set), with the client reused."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient
