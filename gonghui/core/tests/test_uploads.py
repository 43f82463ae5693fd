import io

from gonghui.core import uploads


class Upload(io.BytesIO):
    def __init__(self, data: bytes, name: str = "x.pdf", size=None):
        super().__init__(data)
        self.name, self.size = name, size


def test_the_type_comes_from_the_first_bytes_not_the_name():
    assert uploads.sniff(b"%PDF-1.7 ...") == "application/pdf"
    assert uploads.sniff(b"\x89PNG\r\n\x1a\n....") == "image/png"
    assert uploads.sniff(b"\xff\xd8\xff\xe0") == "image/jpeg"
    assert uploads.sniff(b"MZ\x90\x00 an exe called x.pdf") is None
    assert uploads.sniff(b"") is None


def test_names_lose_directories_and_unprintable_characters():
    assert uploads.safe_name("C:\\Users\\王\\证据.pdf") == "证据.pdf"
    assert uploads.safe_name("../../etc/passwd") == "passwd"
    assert uploads.safe_name("a\x00b.png") == "ab.png"
    assert uploads.safe_name("") == "file"
    assert uploads.safe_name("x" * 200 + ".pdf").endswith(".pdf")


def test_reading_stops_past_the_limit():
    assert uploads.read_bounded(Upload(b"12345"), 5) == b"12345"
    assert uploads.read_bounded(Upload(b"123456"), 5) is None
    assert uploads.read_bounded(Upload(b"1", size=10), 5) is None  # the declared size is enough
