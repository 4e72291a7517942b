"""Users, roles, passwords, sessions, CSRF, login rate limiting and API tokens.

- Passwords are hashed with argon2 (argon2-cffi's defaults); a hash made with older parameters is
  re-hashed at the next sign-in.
- A session is a random cookie value; the database keeps only its SHA-256, the user, the session's
  CSRF token and its expiry, so any app worker can serve any request.
- Every form carries the session's CSRF token; a POST without the right one is refused (403).
- Sign-in is rate-limited: after MAX_FAILURES failures for one user name from one address within
  WINDOW, further attempts are refused until the window passes.
- Scripts use API tokens (Authorization: Bearer …); only the token's hash is stored.

Roles: admin (the coordinating bureau), department (reads all, writes only its own department's
reports and cases), leader (reads all), public (the 公开 page only).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import bindparam, delete, func, select
from sqlalchemy.orm import Session

from taizhang.errors import InputError
from taizhang.ledger.departments import find
from taizhang.ledger.models import USER_ROLES, ApiToken, LoginAttempt, User, UserSession, utcnow

SESSION_COOKIE = "taizhang_session"
SESSION_DAYS = 7
MAX_FAILURES = 5
WINDOW = dt.timedelta(minutes=15)
ROLE_LABELS = {"admin": "管理员（牵头单位）", "department": "部门用户", "leader": "领导", "public": "公众"}

_hasher = PasswordHasher()


def _sha(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def hash_password(password: str) -> str:
    if len(password) < 8:
        raise InputError("password", "a password needs at least 8 characters")
    return _hasher.hash(password)


def add_user(session: Session, username: str, password: str, role: str, dept: str | None = None) -> User:
    if role not in USER_ROLES:
        raise InputError("role", f"unknown role {role!r}; one of {', '.join(USER_ROLES)}")
    if session.scalar(select(User).where(User.username == username)) is not None:
        raise InputError(username, "a user with this name exists")
    dept_id = None
    if role == "department":
        if not dept:
            raise InputError(username, "a department user needs --dept")
        d = find(session, dept)
        if d is None:
            raise InputError(dept, "no such department in the registry (see `taizhang dept list`)")
        dept_id = d.id
    user = User(username=username, password_hash=hash_password(password), role=role, department_id=dept_id)
    session.add(user)
    session.flush()
    return user


def set_password(session: Session, username: str, password: str) -> User:
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise InputError(username, "no such user")
    user.password_hash = hash_password(password)
    session.execute(delete(UserSession).where(UserSession.user_id == user.id))  # sign out everywhere
    return user


def rate_limited(session: Session, key: str) -> bool:
    since = utcnow() - WINDOW
    n = session.scalar(select(func.count()).select_from(LoginAttempt).where(
        LoginAttempt.key == key, LoginAttempt.at >= since))
    return (n or 0) >= MAX_FAILURES


def authenticate(session: Session, username: str, password: str, client: str) -> User | None:
    """The user if the password is right and the limit not reached; failures are counted."""
    key = f"{username}@{client}"
    if rate_limited(session, key):
        raise PermissionError("too many failed sign-ins; try again later")
    user = session.scalar(select(User).where(User.username == username))
    ok = False
    if user is not None:
        try:
            ok = _hasher.verify(user.password_hash, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            ok = False
    else:
        _hasher.hash(password)  # same cost whether or not the user exists
    if not ok:
        session.add(LoginAttempt(key=key))
        session.flush()
        return None
    assert user is not None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    session.execute(delete(LoginAttempt).where(LoginAttempt.key == key))
    return user


def start_session(session: Session, user: User) -> str:
    token = secrets.token_urlsafe(32)
    session.add(UserSession(token_hash=_sha(token), user_id=user.id, csrf=secrets.token_urlsafe(24),
                            expires_at=utcnow() + dt.timedelta(days=SESSION_DAYS)))
    session.flush()
    return token


_SESSION_USER = (select(User, UserSession).join(UserSession, UserSession.user_id == User.id)
                 .where(UserSession.token_hash == bindparam("token_hash")))
_TOKEN_USER = select(User).join(ApiToken, ApiToken.user_id == User.id).where(
    ApiToken.token_hash == bindparam("token_hash"))


def session_user(session: Session, token: str | None) -> tuple[User, UserSession] | None:
    """The signed-in user and the session a cookie value names (one query), None if unknown or expired."""
    if not token:
        return None
    row = session.execute(_SESSION_USER, {"token_hash": _sha(token)}).first()
    if row is None or row[1].expires_at < utcnow():
        return None
    return row[0], row[1]


def end_session(session: Session, token: str | None) -> None:
    if token:
        session.execute(delete(UserSession).where(UserSession.token_hash == _sha(token)))


def new_api_token(session: Session, username: str, name: str = "") -> str:
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise InputError(username, "no such user")
    token = "tz_" + secrets.token_urlsafe(32)
    session.add(ApiToken(token_hash=_sha(token), user_id=user.id, name=name))
    session.flush()
    return token


def token_user(session: Session, token: str | None) -> User | None:
    """The user an API token belongs to (one query), None if unknown."""
    if not token:
        return None
    return session.scalars(_TOKEN_USER, {"token_hash": _sha(token)}).first()


def csrf_ok(expected: str, given: str | None) -> bool:
    return bool(given) and secrets.compare_digest(expected, given or "")
