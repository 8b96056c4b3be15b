"""The Background page's video: a card that links to it, or, when an editor chooses, the player
of youtube-nocookie.com (YouTube's mode that sets no cookie until the video is played)."""

import re
from urllib.parse import parse_qs, urlsplit

EMBED_ORIGIN = "https://www.youtube-nocookie.com"
YOUTUBE_HOSTS = {"youtube.com", "www.youtube.com", "m.youtube.com", "youtube-nocookie.com"}
VIDEO_ID = re.compile(r"[A-Za-z0-9_-]{11}")


def youtube_id(url):
    """The video's id in a YouTube address (watch, youtu.be, embed, shorts, live), or None."""
    try:
        parts = urlsplit(url or "")
    except ValueError:
        return None
    host = (parts.hostname or "").lower()
    segments = [s for s in parts.path.split("/") if s]
    candidate = None
    if host in ("youtu.be", "www.youtu.be") and segments:
        candidate = segments[0]
    elif host in YOUTUBE_HOSTS or host == "www.youtube-nocookie.com":
        if segments[:1] == ["watch"]:
            candidate = parse_qs(parts.query).get("v", [None])[0]
        elif len(segments) >= 2 and segments[0] in ("embed", "shorts", "live", "v"):
            candidate = segments[1]
    return candidate if candidate and VIDEO_ID.fullmatch(candidate) else None


def embed_url(site_settings):
    """The player's address when the editors chose to embed a YouTube video, else None."""
    if not (site_settings.embed_video and site_settings.video_url):
        return None
    video = youtube_id(site_settings.video_url)
    return f"{EMBED_ORIGIN}/embed/{video}" if video else None
