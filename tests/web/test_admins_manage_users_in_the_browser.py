"""Admins add, disable, re-enable, reset and re-role accounts on /beheer/gebruikers; each form
calls the same use case as `klachtenbus user`, a refusal comes back on the page in Dutch, and
the last admin stays an admin."""

from __future__ import annotations

from casework import accounts
from klachtenbus.vocabulary import Role
from tests.web_helpers import PASSWORD, Web, csrf_of, log_in

USERS = "/beheer/gebruikers"


def test_officers_cannot_open_the_admin_pages(web: Web) -> None:
    """An officer gets a refusal in Dutch, and the navigation has no Beheer link for them."""
    officer = web.logged_in("bert")
    response = officer.get(USERS)
    assert response.status_code == 403
    assert "alleen voor beheerders" in response.text
    assert 'href="/beheer"' not in officer.get("/triage").text


def test_an_admin_adds_an_officer_who_can_log_in(web: Web) -> None:
    """The new account is listed, audited under the admin's name, and its owner logs in."""
    admin = web.logged_in("beheer", "admin")
    response = admin.post(
        USERS,
        data={"csrf": csrf_of(admin, USERS), "naam": "Fatima", "weergavenaam": "Fatima Bouzid",
              "email": "fatima@zorg.nl", "rol": "officer", "wachtwoord": PASSWORD},
    )  # fmt: skip
    assert response.status_code == 303
    page = admin.get(USERS)
    assert "Gebruiker fatima is toegevoegd als behandelaar." in page.text
    assert "Fatima Bouzid" in page.text
    newcomer = web.client()
    log_in(newcomer, "fatima", PASSWORD)
    assert newcomer.get("/triage").status_code == 200


def test_a_refused_account_keeps_what_was_typed_but_the_password(web: Web) -> None:
    """A short password is refused with the rule; the name stays, the password is not echoed."""
    admin = web.logged_in("beheer", "admin")
    response = admin.post(
        USERS,
        data={"csrf": csrf_of(admin, USERS), "naam": "gerrit", "rol": "officer",
              "wachtwoord": "kort-ww"},
    )  # fmt: skip
    assert response.status_code == 400
    assert "minstens 12" in response.text
    assert 'value="gerrit"' in response.text
    assert "kort-ww" not in response.text
    assert "gerrit" not in {a.name for a in accounts.list_users(web.store)}


def test_an_admin_disables_and_enables_an_account(web: Web) -> None:
    """Disabling ends the officer's session at once; enabling lets them log in again."""
    admin = web.logged_in("beheer", "admin")
    officer = web.logged_in("bert")
    token = csrf_of(admin, USERS)

    assert admin.post(f"{USERS}/bert/uitschakelen", data={"csrf": token}).status_code == 303
    assert officer.get("/triage").status_code == 303  # sent to the log-in page
    assert "bert is uitgeschakeld." in admin.get(USERS).text

    assert admin.post(f"{USERS}/bert/inschakelen", data={"csrf": token}).status_code == 303
    again = web.client()
    log_in(again, "bert", PASSWORD)
    assert again.get("/triage").status_code == 200


def test_an_admin_resets_a_password(web: Web) -> None:
    """The new password works, the old one no longer does."""
    admin = web.logged_in("beheer", "admin")
    web.user("bert")
    response = admin.post(
        f"{USERS}/bert/wachtwoord",
        data={"csrf": csrf_of(admin, USERS), "wachtwoord": "een-heel-nieuw-wachtwoord"},
    )
    assert response.status_code == 303
    assert "Nieuw wachtwoord voor bert gezet" in admin.get(USERS).text
    old = web.client()
    assert log_in(old, "bert", PASSWORD).status_code == 401  # type: ignore[attr-defined]
    new = web.client()
    log_in(new, "bert", "een-heel-nieuw-wachtwoord")
    assert new.get("/triage").status_code == 200


def test_an_admin_changes_a_role_and_the_new_admin_sees_beheer(web: Web) -> None:
    """Made admin, the officer opens /beheer at once; made officer again, no longer."""
    admin = web.logged_in("beheer", "admin")
    officer = web.logged_in("bert")
    token = csrf_of(admin, USERS)

    admin.post(f"{USERS}/bert/rol", data={"csrf": token, "rol": "admin"})
    assert officer.get("/beheer").status_code == 200
    assert "bert is nu beheerder." in admin.get(USERS).text

    admin.post(f"{USERS}/bert/rol", data={"csrf": token, "rol": "officer"})
    assert officer.get("/beheer").status_code == 403


def test_the_last_admin_cannot_demote_or_disable_themselves(web: Web) -> None:
    """Both are refused on the page with what to do first; the account stays an active admin."""
    admin = web.logged_in("beheer", "admin")
    token = csrf_of(admin, USERS)

    demoted = admin.post(f"{USERS}/beheer/rol", data={"csrf": token, "rol": "officer"})
    disabled = admin.post(f"{USERS}/beheer/uitschakelen", data={"csrf": token})

    for response in (demoted, disabled):
        assert response.status_code == 400
        assert "laatste actieve beheerder" in response.text
    (account,) = accounts.list_users(web.store)
    assert account.role is Role.ADMIN and account.active


def test_an_unknown_account_is_named(web: Web) -> None:
    """A hand-typed address for an account that does not exist says so, not a traceback."""
    admin = web.logged_in("beheer", "admin")
    response = admin.post(f"{USERS}/niemand/uitschakelen", data={"csrf": csrf_of(admin, USERS)})
    assert response.status_code == 400
    assert "Er is geen account met de naam" in response.text
