"""Settings parsing from the environment (config.env)."""

import pytest

from config.env import SettingError, env_bool, env_int, env_list, secret_key


@pytest.mark.parametrize(
    ("raw", "expected"), [("1", True), ("TRUE", True), ("on", True), ("0", False), ("no", False)]
)
def test_booleans_accept_the_usual_words(raw: str, expected: bool) -> None:
    assert env_bool({"DEBUG": raw}, "DEBUG", default=not expected) is expected


def test_an_unset_boolean_takes_its_default() -> None:
    assert env_bool({}, "DEBUG", default=True) is True


def test_a_misspelled_boolean_is_refused_rather_than_guessed() -> None:
    with pytest.raises(SettingError, match="DEBUG must be a boolean"):
        env_bool({"DEBUG": "ture"}, "DEBUG", default=False)


def test_integers_parse_and_bad_ones_name_the_variable() -> None:
    assert env_int({"PORT": "8000"}, "PORT", 1) == 8000
    assert env_int({"PORT": ""}, "PORT", 1) == 1
    with pytest.raises(SettingError, match="PORT must be an integer"):
        env_int({"PORT": "eighty"}, "PORT", 1)


def test_lists_are_comma_separated_and_drop_blanks() -> None:
    assert env_list({"ALLOWED_HOSTS": "a.example, b.example,,"}, "ALLOWED_HOSTS", []) == [
        "a.example",
        "b.example",
    ]
    assert env_list({}, "ALLOWED_HOSTS", ["localhost"]) == ["localhost"]


def test_secret_key_is_required_when_debug_is_off() -> None:
    with pytest.raises(SettingError, match="SECRET_KEY must be set"):
        secret_key({}, debug=False)


def test_secret_key_has_a_development_default_only_in_debug() -> None:
    assert secret_key({}, debug=True).startswith("flowdesk-development-only")
    assert secret_key({"SECRET_KEY": "s3cret-from-env"}, debug=False) == "s3cret-from-env"


def test_a_derived_key_differs_per_purpose_and_is_stable() -> None:
    from config.env import derived_key

    assert derived_key("secret", "flowdesk.audit") == derived_key("secret", "flowdesk.audit")
    assert derived_key("secret", "flowdesk.audit") != derived_key("secret", "other")
    assert derived_key("secret", "flowdesk.audit") != derived_key("secret2", "flowdesk.audit")
    assert len(derived_key("secret", "x")) == 64
