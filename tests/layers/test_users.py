"""Accounts on the command line and in the store: made with a password on stdin, listed,
changed, disabled; sign-in locks after repeated failures; sessions end; no default password."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from layers.access import AccessDenied, system
from layers.errors import LayersError
from layers.seed import load_demo, seed_reference
from layers.store import Store
from layers.users import (
    DEMO_PASSWORD,
    LOCK_AFTER,
    SignInError,
    add_user,
    authenticate,
    disable_user,
    end_session,
    find_user,
    session_user,
    start_session,
)
from tests.cli_helpers import run_module
from tests.layers.people import PASSWORD, build

ROOT = Path(__file__).resolve().parents[2]


def _layers(*args: str, db: str, stdin: str | None = None):
    return run_module(
        "layers", *args, "--db", db, cwd=ROOT, stdin=stdin, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}
    )


@pytest.fixture
def fresh(db_url):
    done = _layers("init", db=db_url)
    assert done.returncode == 0, done.stderr
    return db_url, done


def test_init_asks_nothing_makes_no_account_and_says_how_to_make_the_first_administrator(fresh):
    db_url, done = fresh
    assert "user add TÊN --role admin --password-stdin" in done.stderr
    store = Store.open(db_url)
    with store.engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT COUNT(*) FROM users").scalar() == 0


def test_the_first_administrator_is_made_on_the_command_line_and_can_sign_in(fresh):
    db_url, _ = fresh
    made = _layers(
        "user",
        "add",
        "tw.admin",
        "--role",
        "admin",
        "--name",
        "Quản trị",
        "--password-stdin",
        db=db_url,
        stdin="mat-khau-rat-dai\n",
    )
    assert made.returncode == 0, made.stderr
    assert json.loads(made.stdout) == {"username": "tw.admin", "role": "admin", "chapter_id": None}
    assert "mat-khau" not in made.stdout + made.stderr
    store = Store.open(db_url)
    assert authenticate(store, "tw.admin", "mat-khau-rat-dai").role == "admin"
    again = _layers("init", db=db_url)
    assert "Chưa có tài khoản quản trị" not in again.stderr


def test_user_list_passwd_and_disable_work_and_a_chapter_leader_manages_only_its_chapters(fresh):
    db_url, _ = fresh
    add = ("user", "add")
    assert (
        _layers(
            *add,
            "qt.tinh",
            "--role",
            "chapter",
            "--chapter",
            "Quảng Trị",
            "--password-stdin",
            db=db_url,
            stdin="mot-hai-ba-bon\n",
        ).returncode
        == 0
    )
    ok = _layers(
        *add,
        "qt.ghi",
        "--role",
        "recorder",
        "--chapter",
        "Quảng Trị",
        "--password-stdin",
        "--as",
        "qt.tinh",
        db=db_url,
        stdin="nam-sau-bay-tam\n",
    )
    assert ok.returncode == 0, ok.stderr
    refused = _layers(
        *add,
        "na.ghi",
        "--role",
        "recorder",
        "--chapter",
        "Nghệ An",
        "--password-stdin",
        "--as",
        "qt.tinh",
        db=db_url,
        stdin="nam-sau-bay-tam\n",
    )
    assert refused.returncode == 2 and "Hội mình" in refused.stderr
    no_admin = _layers(
        *add, "qt.boss", "--role", "admin", "--password-stdin", "--as", "qt.tinh", db=db_url, stdin="nam-sau-bay-tam\n"
    )
    assert no_admin.returncode == 2 and "admin" in no_admin.stderr
    listed = json.loads(_layers("user", "list", "--as", "qt.tinh", db=db_url).stdout)
    assert [u["username"] for u in listed] == ["qt.ghi", "qt.tinh"]
    assert all("hash" not in json.dumps(u) for u in listed)
    changed = _layers(
        "user", "passwd", "qt.ghi", "--password-stdin", "--as", "qt.tinh", db=db_url, stdin="mat-khau-moi-9\n"
    )
    assert changed.returncode == 0, changed.stderr
    store = Store.open(db_url)
    assert authenticate(store, "qt.ghi", "mat-khau-moi-9").username == "qt.ghi"
    assert _layers("user", "disable", "qt.ghi", db=db_url).returncode == 0
    with pytest.raises(SignInError, match="đã bị khóa"):
        authenticate(store, "qt.ghi", "mat-khau-moi-9")
    gone = _layers("stats", "--as", "qt.ghi", db=db_url)
    assert gone.returncode == 2 and "đang hoạt động" in gone.stderr


def test_a_password_is_only_read_from_stdin_and_must_be_long_enough(fresh):
    db_url, _ = fresh
    nostdin = _layers("user", "add", "x.y", "--role", "partner", db=db_url)
    assert nostdin.returncode == 2 and "--password-stdin" in nostdin.stderr
    short = _layers("user", "add", "x.y", "--role", "partner", "--password-stdin", db=db_url, stdin="ngan\n")
    assert short.returncode == 2 and "Mật khẩu phải dài" in short.stderr
    bad = _layers(
        "user", "add", "Bad Name!", "--role", "partner", "--password-stdin", db=db_url, stdin="du-dai-roi-nhe\n"
    )
    assert bad.returncode == 2 and "không hợp lệ" in bad.stderr
    assert "Traceback" not in nostdin.stderr + short.stderr + bad.stderr


def test_wrong_passwords_lock_the_account_and_the_right_one_is_then_refused_too(store):
    seed_reference(store)
    add_user(store, "khoa.thu", "partner", PASSWORD, system())
    for _ in range(LOCK_AFTER - 1):
        with pytest.raises(SignInError, match="không đúng"):
            authenticate(store, "khoa.thu", "sai-mat-khau")
    with pytest.raises(SignInError, match="tạm khóa"):
        authenticate(store, "khoa.thu", "sai-mat-khau")
    with pytest.raises(SignInError, match="tạm khóa"):
        authenticate(store, "khoa.thu", PASSWORD)
    with pytest.raises(SignInError, match="không đúng"):  # an unknown name says the same as a wrong password
        authenticate(store, "khong.co", PASSWORD)


def test_a_session_opens_reads_back_and_ends_and_a_disabled_account_loses_it(any_store):
    campaign = build(any_store)
    user = authenticate(any_store, "qt.ghi", PASSWORD)
    token = start_session(any_store, user)
    assert session_user(any_store, token).username == "qt.ghi"
    end_session(any_store, token)
    assert session_user(any_store, token) is None
    token = start_session(any_store, user)
    disable_user(any_store, "qt.ghi", campaign.viewer("tw.admin"))
    assert session_user(any_store, token) is None
    with pytest.raises(AccessDenied):
        disable_user(any_store, "tw.admin", campaign.viewer("qt.tinh"))


def test_demo_accounts_come_with_the_demo_data_and_go_with_it(store):
    seed_reference(store)
    load_demo(store, reports=50)
    assert authenticate(store, "demo.doitac", DEMO_PASSWORD).role == "partner"
    assert find_user(store, "demo.tiepnhan").is_demo
    store.delete_demo()
    assert find_user(store, "demo.doitac") is None
    with pytest.raises(LayersError):
        authenticate(store, "demo.trunguong", DEMO_PASSWORD)


def test_wrong_passwords_sent_at_once_still_lock_the_account(any_store):
    from concurrent.futures import ThreadPoolExecutor

    build(any_store)

    def attempt(_):
        try:
            authenticate(any_store, "qt.ghi", "sai-mat-khau")
        except SignInError as exc:
            return "tạm khóa" in str(exc)
        return False

    with ThreadPoolExecutor(8) as pool:
        locked = list(pool.map(attempt, range(20)))
    assert sum(not said for said in locked) <= LOCK_AFTER - 1  # at most four were checked and called wrong
    with pytest.raises(SignInError, match="tạm khóa"):
        authenticate(any_store, "qt.ghi", PASSWORD)


def test_a_user_name_no_account_can_have_is_refused_as_a_wrong_password_on_both_backends(any_store):
    build(any_store)
    for name in ("qt.ghi\x00", "' OR '1'='1", "QT.GHI", "x" * 10_000, ""):
        with pytest.raises(SignInError, match="không đúng"):
            authenticate(any_store, name, PASSWORD)
