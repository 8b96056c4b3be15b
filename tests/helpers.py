from html.parser import HTMLParser


class _TagCollector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def tags(html, name):
    """The attributes of every <name> element in the HTML, in order."""
    parser = _TagCollector()
    parser.feed(html if isinstance(html, str) else html.decode())
    return [attrs for tag, attrs in parser.tags if tag == name]
