"""The command line: each command works, and errors exit non-zero with one line."""

import subprocess
import sys

from sqlalchemy import select

from compliance.auth.models import User
from compliance.members.models import Member


def test_manual_validate_import_and_list(runner, manual_path):
    result = runner.invoke(args=["manual", "validate", str(manual_path)])
    assert result.exit_code == 0
    assert result.output.strip() == \
        "valid: test-manual 1.0: 2 chapters, 4 requirements, 5 references; 3 major, 1 minor"
    assert "no manual imported yet" in runner.invoke(args=["manual", "list"]).output
    imported = runner.invoke(args=["manual", "import", str(manual_path / "manual.yaml")])
    assert imported.exit_code == 0 and imported.output.startswith("imported test-manual 1.0")
    again = runner.invoke(args=["manual", "import", str(manual_path)])
    assert "already imported; nothing changed" in again.output
    listed = runner.invoke(args=["manual", "list"]).output
    assert "test-manual\t1.0\t2026-01-15\t2 chapters\t4 requirements" in listed


def test_manual_validate_lists_problems_and_fails(runner, tmp_path):
    result = runner.invoke(args=["manual", "validate", str(tmp_path / "missing")])
    assert result.exit_code == 1
    assert "no manual here" in result.output
    assert result.output.strip().endswith("1 problem(s) found")


def test_members_and_users_create(app, runner):
    result = runner.invoke(args=["members", "create", "--code", "gent-1", "--name", "Gent",
                                 "--enterprise-number", "0123456749", "--region", "flanders",
                                 "--activity", "orthoses,insoles", "--activity", "employees"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "created member GENT-1 (0123.456.749)"
    result = runner.invoke(args=["users", "create", "--email", "Boss@Gent.example",
                                 "--role", "member_manager", "--member", "GENT-1"])
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert lines[0] == "invited member_manager boss@gent.example"
    assert lines[1].startswith("invitation link (shown once): http://127.0.0.1:5000/users/"
                               "invitation/") and len(lines[1]) > 80
    assert "password" not in result.output
    with app.app_context():
        from compliance.extensions import db
        from compliance.users.models import Invitation
        member = db.session.scalar(select(Member).where(Member.code == "GENT-1"))
        assert member.activities == ["orthoses", "insoles", "employees"]
        invitation = db.session.scalar(select(Invitation))
        assert invitation.email == "boss@gent.example" and invitation.member_id == member.id
        assert lines[1].rsplit("/", 1)[1] not in invitation.token_hash  # only its hash is kept
        assert db.session.scalar(select(User).where(User.email == "boss@gent.example")) is None
    listed = runner.invoke(args=["users", "list"]).output.splitlines()
    assert "boss@gent.example\tmember_manager\tGENT-1\tinvited" in listed


def test_users_create_e_mails_the_invitation_with_smtp(app, runner, smtp_server):
    runner.invoke(args=["members", "create", "--code", "gent-1", "--name", "Gent",
                        "--enterprise-number", "0123456749", "--region", "flanders"])
    result = runner.invoke(args=["users", "create", "--email", "an@gent.example", "--role",
                                 "member_manager", "--member", "GENT-1", "--language", "nl"])
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines()[1] == "invitation e-mailed to an@gent.example"
    assert "http" not in result.output  # the link went by e-mail only
    [(to, message)] = smtp_server.messages
    assert to == ["an@gent.example"]
    assert "/users/invitation/" in message.get_body(("plain",)).get_content()
    assert message["Subject"] == "U bent uitgenodigd voor MDR-conformiteit"


def test_errors_exit_non_zero_with_one_line(runner):
    cases = [
        (["members", "create", "--code", "X1", "--name", "X", "--enterprise-number",
          "0123456748", "--region", "flanders"],
         "Error: 0123456748 is not a valid enterprise number: the check digits do not match."),
        (["members", "create", "--code", "X1", "--name", "X", "--enterprise-number",
          "0123456749", "--region", "flanders", "--activity", "shoes"],
         "Error: Unknown activity shoes."),
        (["users", "create", "--email", "a@b.example", "--role", "consultant", "--assign",
          "NOPE"], "Error: no member with the code NOPE"),
        (["users", "create", "--email", "a@b.example", "--role", "member_manager"],
         "Error: A member manager or contributor must belong to a member."),
        (["users", "create", "--email", "nobody", "--role", "staff"],
         "Error: nobody is not an e-mail address."),
    ]
    for args, message in cases:
        result = runner.invoke(args=args)
        assert result.exit_code == 1, args
        assert result.output.strip() == message


def test_console_script_refuses_a_wrong_setting_in_one_line(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "COMPLIANCE_ENV": "production",
           "COMPLIANCE_INSTANCE": str(tmp_path)}
    script = [sys.executable, "-c", "from compliance.cli import main; main()", "manual", "list"]
    result = subprocess.run(script, env=env, capture_output=True, text=True, check=False)
    assert result.returncode == 2
    assert result.stderr.strip() == ("Error: configuration: SECRET_KEY is not set: it is "
                                     "required when COMPLIANCE_ENV is production")


def test_wsgi_refuses_a_wrong_setting_in_one_line(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "COMPLIANCE_ENV": "development", "SMTP_PORT": "x",
           "COMPLIANCE_INSTANCE": str(tmp_path)}
    result = subprocess.run([sys.executable, "-c", "import wsgi"], env=env, capture_output=True,
                            text=True, check=False)
    assert result.returncode == 1
    assert result.stderr.strip() == "configuration error: SMTP_PORT='x' is not a whole number"
