"""How much one imported file may hold, in one place. Every reader checks these before it
reads: the file's own size, what an archive says its members unpack to, and then rows and
cells as they are counted, so a small file that unpacks or parses into a huge one is refused
with a message that says the limit, and no upload costs more than about ten times the file
limit in memory."""

from __future__ import annotations

from layers.importers.errors import UnreadableFile
from layers.labels import number

MIB = 2**20
FILE_BYTES = 50 * MIB  # one uploaded file
FILE_MB = FILE_BYTES // MIB  # the same, as an upload box states it
UNPACKED_BYTES = 200 * MIB  # one member of an archive (the KML of a KMZ, a sheet of a workbook), unpacked
WHOLE_PART_BYTES = 50 * MIB  # a member a reader must hold whole in memory (a workbook's shared strings)
UNPACKED_TOTAL = 400 * MIB  # all members of an archive together, unpacked
ARCHIVE_MEMBERS = 2_000  # files inside one archive
ROWS = 100_000  # rows, placemarks or tracks in one file
CELLS = 2_000_000  # cells in one file (rows × columns)
TEXT = 100_000  # characters in one cell: a transcribed letter is long
TRACK_POINTS = 1_000_000  # points of all tracks in one GPS file


def _mb(size: int) -> str:
    return f"{number(round(size / MIB))} MB" if size >= MIB else f"{number(size)} byte"


def check_file(size: int) -> None:
    """Refuse an empty file or one over FILE_BYTES."""
    if size == 0:
        raise UnreadableFile("Tệp rỗng.")
    if size > FILE_BYTES:
        raise UnreadableFile(f"Tệp quá lớn ({_mb(size)}, tối đa {_mb(FILE_BYTES)}).")


def check_members(sizes: dict[str, int], what: str) -> None:
    """Refuse an archive with too many members, or whose members say they unpack to too much.
    Python's zipfile never returns more than a member's declared size, so the declared sizes
    are a bound on what reading can produce."""
    if len(sizes) > ARCHIVE_MEMBERS:
        raise UnreadableFile(
            f"Tệp {what} chứa {number(len(sizes))} tệp con, quá giới hạn {number(ARCHIVE_MEMBERS)}; không đọc."
        )
    for size in sizes.values():
        if size > UNPACKED_BYTES:
            raise UnreadableFile(
                f"Tệp {what} có phần giải nén ra {_mb(size)}, quá giới hạn {_mb(UNPACKED_BYTES)}; "
                "có thể là tệp nén độc hại, không đọc."
            )
    total = sum(sizes.values())
    if total > UNPACKED_TOTAL:
        raise UnreadableFile(
            f"Tệp {what} giải nén ra {_mb(total)}, quá giới hạn {_mb(UNPACKED_TOTAL)}; "
            "có thể là tệp nén độc hại, không đọc."
        )


def check_whole_part(size: int, what: str) -> None:
    """Refuse a member that a reader holds whole in memory when it unpacks to more than WHOLE_PART_BYTES."""
    if size > WHOLE_PART_BYTES:
        raise UnreadableFile(
            f"Tệp {what} có phần phải đọc trọn vào bộ nhớ giải nén ra {_mb(size)}, quá giới hạn "
            f"{_mb(WHOLE_PART_BYTES)}; không đọc."
        )


def check_rows(count: int, what: str = "dòng") -> None:
    """Refuse a file as soon as it is known to hold more than ROWS rows (placemarks, tracks)."""
    if count > ROWS:
        raise UnreadableFile(
            f"Tệp có hơn {number(ROWS)} {what}, quá giới hạn một lần nhập; hãy chia thành nhiều tệp nhỏ hơn."
        )


def check_cells(count: int) -> None:
    """Refuse a file as soon as it is known to hold more than CELLS cells."""
    if count > CELLS:
        raise UnreadableFile(
            f"Tệp có hơn {number(CELLS)} ô dữ liệu, quá giới hạn một lần nhập; hãy chia thành nhiều tệp nhỏ hơn."
        )
