"""On the command line, what a chapter leader lets out on the public pages (layers.stories):

    python -m layers story publish TRIP_ID [--text "…"] --as USER
    python -m layers story unpublish TRIP_ID --as USER
    python -m layers media publish ATTACHMENT_ID --consent --as USER
    python -m layers media unpublish ATTACHMENT_ID --as USER

Each needs the right to publish (a chapter leader, an administrator); a photo or video goes
public only with --consent (the people visible agreed). Results print as JSON.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

from layers import stories
from layers.access import Viewer
from layers.cli_options import database
from layers.store import Store


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """Add this module's commands to the command line (parser_class is the command line's own)."""
    story = sub.add_parser("story", help="công bố câu chuyện của một chuyến tìm kiếm lên trang tiến độ công khai")
    steps = story.add_subparsers(dest="story_command", required=True, parser_class=type(story))
    cmd = steps.add_parser("publish", help="công bố câu chuyện (tên chuyến và một câu)")
    cmd.add_argument("trip_id", metavar="TRIP_ID")
    cmd.add_argument("--text", help=f"câu chuyện, một câu (tối đa {stories.STORY_MAX} ký tự)")
    database(cmd)
    cmd = steps.add_parser("unpublish", help="thôi công bố câu chuyện")
    cmd.add_argument("trip_id", metavar="TRIP_ID")
    database(cmd)
    media = sub.add_parser("media", help="hiện ảnh/video của một chuyến trên trang tiến độ công khai")
    steps = media.add_subparsers(dest="media_command", required=True, parser_class=type(media))
    cmd = steps.add_parser("publish", help="hiện ảnh/video (cần --consent)")
    cmd.add_argument("attachment_id", metavar="ATTACHMENT_ID")
    cmd.add_argument(
        "--consent", action="store_true", help="xác nhận đã được sự đồng ý của những người có trong ảnh/video"
    )
    database(cmd)
    cmd = steps.add_parser("unpublish", help="thôi hiện ảnh/video")
    cmd.add_argument("attachment_id", metavar="ATTACHMENT_ID")
    database(cmd)


def _story(args: argparse.Namespace, store: Store, viewer: Viewer) -> dict:
    public = args.story_command == "publish"
    version = stories.publish_story(store, args.trip_id, viewer, public, getattr(args, "text", None))
    return {"trip_id": args.trip_id, "story_public": public, "version": version}


def _media(args: argparse.Namespace, store: Store, viewer: Viewer) -> dict:
    public = args.media_command == "publish"
    stories.set_public(store, args.attachment_id, public, viewer, consent=bool(getattr(args, "consent", False)))
    return {"attachment_id": args.attachment_id, "public": public}


COMMANDS: dict[str, Callable] = {"story": _story, "media": _media}
