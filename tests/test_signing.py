"""Standard Webhooks signing: the spec's vector, interop with the official library, every way to fail."""

from __future__ import annotations

import random
import time
from datetime import datetime, timedelta, timezone

import pytest
from requests.structures import CaseInsensitiveDict
from standardwebhooks.webhooks import Webhook, WebhookVerificationError
from werkzeug.datastructures import Headers

from hooklab.errors import ConfigError, EventValidationError, SignatureError
from hooklab.signing import generate_secret, parse_secret, sign, sign_headers, verify
from hooklab.signing_vendors import (
    SCHEMES,
    github_sign,
    github_verify,
    hubspot_sign,
    hubspot_verify,
    stripe_sign,
    stripe_verify,
)

# The test vector of the Standard Webhooks spec.
SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
MSG_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
TS = 1614265330
BODY = '{"test": 2432232314}'
EXPECTED = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="

NOW = 1767603600  # the virtual clock's epoch, 2026-01-05 09:00 UTC
OTHER_SECRET = "whsec_" + "QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFB"


def signed(body=BODY, secret=SECRET, ts=NOW, **changes):
    """Valid headers for ``body`` at ``ts``; ``changes`` replaces (or, with None, removes) a header."""
    headers = sign_headers(secret, MSG_ID, ts, body)
    for name, value in changes.items():
        name = name.replace("_", "-")
        if value is None:
            del headers[name]
        else:
            headers[name] = value
    return headers


def official_sign(body, ts, secret=SECRET):
    signature = Webhook(secret).sign(MSG_ID, datetime.fromtimestamp(ts, tz=timezone.utc), body)
    return {"webhook-id": MSG_ID, "webhook-timestamp": str(ts), "webhook-signature": signature}


# The known vector


def test_known_vector_matches_the_spec():
    assert sign(SECRET, MSG_ID, TS, BODY) == EXPECTED


def test_known_vector_matches_the_official_library():
    assert Webhook(SECRET).sign(MSG_ID, datetime.fromtimestamp(TS, tz=timezone.utc), BODY) == EXPECTED


def test_known_vector_verifies_at_its_own_time():
    headers = {"webhook-id": MSG_ID, "webhook-timestamp": str(TS), "webhook-signature": EXPECTED}
    assert verify(SECRET, headers, BODY, now=TS) == {"test": 2432232314}


def test_bytes_body_and_raw_key_sign_the_same():
    assert sign(parse_secret(SECRET), MSG_ID, TS, BODY.encode()) == EXPECTED


def test_float_timestamp_is_floored_to_whole_seconds():
    assert sign(SECRET, MSG_ID, TS + 0.99, BODY) == EXPECTED
    assert sign_headers(SECRET, MSG_ID, TS + 0.99, BODY)["webhook-timestamp"] == str(TS)


def test_datetimes_are_converted_as_utc():
    aware = datetime.fromtimestamp(TS, tz=timezone(timedelta(hours=2)))
    naive_utc = datetime.fromtimestamp(TS, tz=timezone.utc).replace(tzinfo=None)
    assert sign(SECRET, MSG_ID, aware, BODY) == EXPECTED
    assert sign(SECRET, MSG_ID, naive_utc, BODY) == EXPECTED


def test_official_library_misreads_non_utc_datetimes():
    # It replaces the tzinfo instead of converting: 17:02+02:00 is signed as 17:02 UTC.
    aware = datetime.fromtimestamp(TS, tz=timezone(timedelta(hours=2)))
    assert Webhook(SECRET).sign(MSG_ID, aware, BODY) != EXPECTED


def test_sign_headers_gives_the_three_webhook_headers_and_json_content_type():
    assert sign_headers(SECRET, MSG_ID, TS, BODY) == {
        "webhook-id": MSG_ID,
        "webhook-timestamp": str(TS),
        "webhook-signature": EXPECTED,
        "content-type": "application/json",
    }


# Interop with the official library, both ways


def test_official_signed_request_verifies_with_ours():
    body = '{"type": "contact.created", "name": "Zoë"}'
    headers = official_sign(body, int(time.time()))
    assert verify(SECRET, headers, body) == {"type": "contact.created", "name": "Zoë"}


def test_our_signed_request_verifies_with_the_official_library():
    body = '{"type": "contact.created", "name": "Zoë"}'
    headers = sign_headers(SECRET, MSG_ID, int(time.time()), body)
    assert Webhook(SECRET).verify(body, headers) == {"type": "contact.created", "name": "Zoë"}


@pytest.mark.parametrize("signer", ["ours", "official"])
def test_tampered_body_is_refused_by_both_libraries(signer):
    body, now = '{"amount": 100}', int(time.time())
    headers = sign_headers(SECRET, MSG_ID, now, body) if signer == "ours" else official_sign(body, now)
    tampered = body.replace("1", "9")
    with pytest.raises(SignatureError, match="no matching signature"):
        verify(SECRET, headers, tampered)
    with pytest.raises(WebhookVerificationError, match="No matching signature"):
        Webhook(SECRET).verify(tampered, headers)


def test_non_utf8_body_is_signed_over_its_raw_bytes():
    body = b'{"a": 1}\xff'
    headers = signed(body)
    assert verify(SECRET, headers, body, now=NOW, parse=False) is None
    with pytest.raises(SignatureError, match="no matching signature"):
        verify(SECRET, headers, body[:-1] + b"\xfe", now=NOW, parse=False)


def test_official_library_cannot_verify_non_utf8_bodies():
    body = b'{"a": 1}\xff'
    with pytest.raises(UnicodeDecodeError):
        Webhook(SECRET).verify(body, sign_headers(SECRET, MSG_ID, int(time.time()), body), json_parse=False)


# Every malformed, missing, mismatched, old or new request raises SignatureError

BAD_REQUESTS = [
    pytest.param({"webhook_id": None}, "missing required header: webhook-id", id="no-id"),
    pytest.param({"webhook_timestamp": None}, "missing required header: webhook-timestamp", id="no-timestamp"),
    pytest.param({"webhook_signature": None}, "missing required header: webhook-signature", id="no-signature"),
    pytest.param({"webhook_signature": ""}, "missing required header: webhook-signature", id="empty-signature"),
    pytest.param({"webhook_id": "   "}, "missing required header: webhook-id", id="blank-id"),
    pytest.param({"webhook_timestamp": "abc"}, "malformed webhook-timestamp 'abc': expected whole Unix", id="ts-abc"),
    pytest.param({"webhook_timestamp": "1e3"}, "malformed webhook-timestamp '1e3'", id="ts-exponent"),
    pytest.param({"webhook_timestamp": "-5"}, "malformed webhook-timestamp '-5'", id="ts-negative"),
    pytest.param({"webhook_timestamp": "12.5"}, "malformed webhook-timestamp '12.5'", id="ts-fraction"),
    pytest.param({"webhook_timestamp": "nan"}, "malformed webhook-timestamp 'nan'", id="ts-nan"),
    pytest.param({"webhook_timestamp": "inf"}, "malformed webhook-timestamp 'inf'", id="ts-inf"),
    pytest.param({"webhook_timestamp": "+1767603600"}, "malformed webhook-timestamp", id="ts-plus-sign"),
    pytest.param({"webhook_timestamp": "1_767_603_600"}, "malformed webhook-timestamp", id="ts-underscores"),
    pytest.param({"webhook_timestamp": "١٧٦٧٦٠٣٦٠٠"}, "malformed webhook-timestamp", id="ts-arabic-digits"),
    pytest.param({"webhook_timestamp": "9" * 400}, "malformed webhook-timestamp '99999", id="ts-400-digits"),
    pytest.param({"webhook_timestamp": "0"}, "message timestamp too old", id="ts-zero"),
    pytest.param(
        {"webhook_timestamp": str(NOW - 912)},
        "message timestamp too old: 912 s before now, tolerance is 300 s",
        id="ts-too-old",
    ),
    pytest.param(
        {"webhook_timestamp": str(NOW + 301)},
        "message timestamp too new: 301 s after now, tolerance is 300 s",
        id="ts-too-new",
    ),
    pytest.param({"webhook_timestamp": "9" * 20}, "message timestamp too new", id="ts-huge"),
    pytest.param(
        {"webhook_signature": "v1@@@"}, "malformed webhook-signature: 'v1@@@' is not 'version,base64'", id="no-comma"
    ),
    pytest.param({"webhook_signature": "v1,"}, "malformed webhook-signature: 'v1,'", id="v1-empty"),
    pytest.param({"webhook_signature": "v1,@@@"}, "malformed webhook-signature: 'v1,@@@'", id="v1-not-base64"),
    pytest.param({"webhook_signature": "v1,abc"}, "malformed webhook-signature: 'v1,abc'", id="v1-bad-padding"),
    pytest.param({"webhook_signature": "v1,é"}, "malformed webhook-signature: 'v1,é'", id="v1-non-ascii"),
    pytest.param({"webhook_signature": ",abc="}, "malformed webhook-signature: ',abc='", id="empty-version"),
    pytest.param({"webhook_signature": "v1,YWJj"}, "no matching signature: checked 1 v1", id="v1-wrong-length"),
    pytest.param({"webhook_signature": EXPECTED.replace("v1", "v1a")}, "checked 0 v1", id="only-v1a"),
    pytest.param({"webhook_signature": "v2,abc v1a,xyz"}, "checked 0 v1", id="only-other-versions"),
    pytest.param({"webhook_signature": "v1,YWJj v1,ZGVm"}, "checked 2 v1 signature(s)", id="two-mismatched"),
    pytest.param({"webhook_id": "msg_other"}, "no matching signature", id="id-changed"),
    pytest.param({"webhook_timestamp": str(NOW + 1)}, "no matching signature", id="timestamp-changed"),
]


@pytest.mark.parametrize(("changes", "message"), BAD_REQUESTS)
def test_bad_request_raises_signature_error_naming_the_check(changes, message):
    with pytest.raises(SignatureError) as caught:
        verify(SECRET, signed(**changes), BODY, now=NOW)
    assert message in str(caught.value)


def test_signature_made_with_another_secret_is_rejected():
    with pytest.raises(SignatureError, match="no matching signature"):
        verify(SECRET, signed(secret=OTHER_SECRET), BODY, now=NOW)


def test_malformed_entry_next_to_a_valid_signature_is_rejected():
    headers = signed()
    headers["webhook-signature"] += " junk"
    with pytest.raises(SignatureError, match="malformed webhook-signature: 'junk'"):
        verify(SECRET, headers, BODY, now=NOW)


def test_long_header_values_are_shortened_in_messages():
    with pytest.raises(SignatureError) as caught:
        verify(SECRET, signed(webhook_timestamp="x" * 5000), BODY, now=NOW)
    assert len(str(caught.value)) < 150


@pytest.mark.parametrize(
    ("signature_of", "leaked"),
    [
        pytest.param(lambda good: "v1@@@", "ValueError", id="no-comma"),
        pytest.param(lambda good: "v1,a,b", "ValueError", id="two-commas"),
        pytest.param(lambda good: "v1,abc", "Error", id="bad-padding"),  # binascii.Error
        pytest.param(lambda good: "v1,é", "ValueError", id="non-ascii"),
        pytest.param(lambda good: f"v1,abc {good}", "Error", id="bad-padding-then-valid"),
    ],
)
def test_official_library_leaks_non_library_errors_where_ours_raises_signature_error(signature_of, leaked):
    headers = sign_headers(SECRET, MSG_ID, int(time.time()), BODY)
    headers["webhook-signature"] = signature_of(headers["webhook-signature"])
    with pytest.raises(ValueError) as caught:
        Webhook(SECRET).verify(BODY, headers)
    assert type(caught.value).__name__ == leaked
    assert not isinstance(caught.value, WebhookVerificationError)
    with pytest.raises(SignatureError, match="malformed webhook-signature"):
        verify(SECRET, headers, BODY)


def test_official_library_chokes_on_a_leading_space_ours_tolerates():
    headers = sign_headers(SECRET, MSG_ID, int(time.time()), BODY)
    headers["webhook-signature"] = " " + headers["webhook-signature"]
    with pytest.raises(ValueError, match="not enough values to unpack"):
        Webhook(SECRET).verify(BODY, headers)
    assert verify(SECRET, headers, BODY) == {"test": 2432232314}


def test_whitespace_around_and_between_signatures_is_tolerated():
    headers = signed()
    headers["webhook-signature"] = f"  v1,YWJj   \t {headers['webhook-signature']}  "
    assert verify(SECRET, headers, BODY, now=NOW) == {"test": 2432232314}


def test_official_library_accepts_a_fractional_timestamp_ours_refuses():
    # It floors '<now>.9' and signs the floored value, not the header text it received.
    now = int(time.time())
    headers = sign_headers(SECRET, MSG_ID, now, BODY)
    headers["webhook-timestamp"] = f"{now}.9"
    assert Webhook(SECRET).verify(BODY, headers) == {"test": 2432232314}
    with pytest.raises(SignatureError, match="malformed webhook-timestamp"):
        verify(SECRET, headers, BODY)


@pytest.mark.parametrize(
    "make_headers",
    [
        pytest.param(lambda h: {k.title(): v for k, v in h.items()}, id="title-case-dict"),
        pytest.param(lambda h: {k.upper(): v for k, v in h.items()}, id="upper-case-dict"),
        pytest.param(lambda h: Headers(list(h.items())), id="werkzeug-headers"),
        pytest.param(lambda h: CaseInsensitiveDict({k.title(): v for k, v in h.items()}), id="requests-dict"),
    ],
)
def test_header_names_are_looked_up_case_insensitively(make_headers):
    assert verify(SECRET, make_headers(signed()), BODY, now=NOW) == {"test": 2432232314}


# Secret rotation


def test_second_of_two_signatures_is_enough():
    headers = signed()
    headers["webhook-signature"] = sign(OTHER_SECRET, MSG_ID, NOW, BODY) + " " + headers["webhook-signature"]
    assert verify(SECRET, headers, BODY, now=NOW) == {"test": 2432232314}


def test_sign_headers_with_two_secrets_carries_one_signature_each():
    headers = sign_headers([OTHER_SECRET, SECRET], MSG_ID, NOW, BODY)
    assert headers["webhook-signature"].split(" ") == [
        sign(OTHER_SECRET, MSG_ID, NOW, BODY),
        sign(SECRET, MSG_ID, NOW, BODY),
    ]
    assert verify(SECRET, headers, BODY, now=NOW) == verify(OTHER_SECRET, headers, BODY, now=NOW)


@pytest.mark.parametrize("sender_secret", [OTHER_SECRET, SECRET], ids=["old", "new"])
def test_receiver_mid_rotation_accepts_old_and_new_secret(sender_secret):
    headers = signed(secret=sender_secret)
    assert verify([OTHER_SECRET, SECRET], headers, BODY, now=NOW) == {"test": 2432232314}


def test_receiver_after_rotation_refuses_the_old_secret():
    with pytest.raises(SignatureError, match="against 1 secret"):
        verify([SECRET], signed(secret=OTHER_SECRET), BODY, now=NOW)


# The clock: now and tolerance


@pytest.mark.parametrize(
    ("age", "tolerance", "accepted"),
    [(300, 300, True), (301, 300, False), (-300, 300, True), (-301, 300, False), (3600, 3600, True), (10, 5, False)],
)
def test_tolerance_is_measured_from_now(age, tolerance, accepted):
    headers = signed(ts=NOW - age)
    if accepted:
        assert verify(SECRET, headers, BODY, tolerance=tolerance, now=NOW) == {"test": 2432232314}
    else:
        with pytest.raises(SignatureError, match="message timestamp too"):
            verify(SECRET, headers, BODY, tolerance=tolerance, now=NOW)


def test_now_defaults_to_the_real_clock():
    with pytest.raises(SignatureError, match="too new"):
        verify(SECRET, signed(ts=int(time.time()) + 3600), BODY)
    assert verify(SECRET, signed(ts=int(time.time())), BODY) == {"test": 2432232314}


@pytest.mark.parametrize("tolerance", [0, -1, "300", None, float("nan"), True])
def test_tolerance_that_is_not_a_positive_number_is_a_config_error(tolerance):
    with pytest.raises(ConfigError, match="tolerance must be a number of seconds > 0"):
        verify(SECRET, signed(), BODY, tolerance=tolerance, now=NOW)


@pytest.mark.parametrize("now", ["1767603600", float("nan"), datetime(2026, 1, 5)])
def test_now_that_is_not_unix_seconds_is_a_config_error(now):
    with pytest.raises(ConfigError, match="now must be Unix seconds"):
        verify(SECRET, signed(), BODY, now=now)


# The body


def test_bytes_body_is_parsed_as_json():
    assert verify(SECRET, signed(BODY.encode()), BODY.encode(), now=NOW) == {"test": 2432232314}


def test_parse_false_returns_none():
    assert verify(SECRET, signed(), BODY, now=NOW, parse=False) is None


@pytest.mark.parametrize(
    "body", ["not json", "", b"\xff\xfe\xfd", "[" * 100_000], ids=["text", "empty", "bad-utf8", "deep-nesting"]
)
def test_authentic_body_that_is_not_json_raises_event_validation_error(body):
    with pytest.raises(EventValidationError, match="the body is not valid JSON"):
        verify(SECRET, signed(body), body, now=NOW)


def test_signature_is_checked_before_the_body_is_parsed():
    with pytest.raises(SignatureError, match="no matching signature"):
        verify(SECRET, signed("not json"), "not JSON", now=NOW)


@pytest.mark.parametrize("body", [None, 42, {"test": 1}], ids=["none", "int", "dict"])
def test_body_that_is_not_raw_bytes_or_text_is_a_config_error(body):
    with pytest.raises(ConfigError, match="the body must be str or bytes"):
        verify(SECRET, signed(), body, now=NOW)


def test_headers_that_are_not_a_mapping_are_a_config_error():
    with pytest.raises(ConfigError, match="headers must be a mapping"):
        verify(SECRET, ["webhook-id"], BODY, now=NOW)


# Secrets


def test_generated_secret_is_whsec_and_24_key_bytes():
    secret = generate_secret()
    assert secret.startswith("whsec_")
    assert len(parse_secret(secret)) == 24
    assert generate_secret() != secret


def test_seeded_generated_secret_is_deterministic():
    assert generate_secret(random.Random(7)) == generate_secret(random.Random(7))
    assert generate_secret(random.Random(7)) != generate_secret(random.Random(8))


@pytest.mark.parametrize("text", ["whsec_aGVsbG8=", "aGVsbG8=", "whsec_aGVsbG8", "aGVsbG8", " whsec_aGVsbG8\n"])
def test_secret_prefix_and_padding_are_optional(text):
    assert parse_secret(text) == b"hello"


def test_secret_bytes_are_the_key_itself():
    assert parse_secret(b"whsec_raw") == b"whsec_raw"


def test_parsed_secret_matches_the_official_library():
    assert parse_secret(SECRET) == Webhook(SECRET)._whsecret


@pytest.mark.parametrize(
    ("secret", "message"),
    [
        pytest.param("", "the webhook secret is empty: expected 'whsec_'", id="empty"),
        pytest.param("whsec_", "the webhook secret is empty", id="prefix-only"),
        pytest.param(b"", "the webhook secret is empty", id="empty-bytes"),
        pytest.param("whsec_abc!def", "not valid base64: expected 'whsec_' followed by the base64", id="bang"),
        pytest.param("whsec_A", "not valid base64", id="one-char"),
        pytest.param("whsec_aGVsbG8é", "not valid base64", id="non-ascii"),
        pytest.param(None, "must be str or bytes, not NoneType", id="none"),
        pytest.param(42, "must be str or bytes, not int", id="int"),
    ],
)
def test_bad_secret_is_a_config_error(secret, message):
    with pytest.raises(ConfigError) as caught:
        sign(secret, MSG_ID, NOW, BODY)
    assert message in str(caught.value)
    with pytest.raises(ConfigError):
        verify(secret, signed(), BODY, now=NOW)


def test_official_library_silently_accepts_a_secret_that_is_not_base64():
    # Non-validating base64 drops the '!': a typo in the secret gives a different key, not an error.
    assert Webhook("whsec_abc!def")._whsecret == parse_secret("whsec_abcdef")
    with pytest.raises(ConfigError):
        parse_secret("whsec_abc!def")


def test_empty_list_of_secrets_is_a_config_error():
    with pytest.raises(ConfigError, match="the list of secrets is empty"):
        verify([], signed(), BODY, now=NOW)
    with pytest.raises(ConfigError, match="the list of secrets is empty"):
        sign_headers([], MSG_ID, NOW, BODY)


@pytest.mark.parametrize("timestamp", [float("nan"), float("inf"), -1, "1767603600", None, True])
def test_sign_rejects_a_timestamp_that_is_not_unix_seconds(timestamp):
    with pytest.raises(ConfigError, match="timestamp must be Unix seconds"):
        sign(SECRET, MSG_ID, timestamp, BODY)


@pytest.mark.parametrize("msg_id", ["", "  ", None])
def test_sign_rejects_an_empty_message_id(msg_id):
    with pytest.raises(ConfigError, match="msg_id must be a non-empty string"):
        sign(SECRET, msg_id, NOW, BODY)


# Other vendors' schemes

URI = "https://crm.example.com/hooks?portal=42"
VENDORS = {
    "stripe": (
        lambda secret, ts, body: stripe_sign(secret, ts, body),
        lambda secret, headers, body, now: stripe_verify(secret, headers, body, now=now),
    ),
    "github": (
        lambda secret, ts, body: github_sign(secret, body),
        lambda secret, headers, body, now: github_verify(secret, headers, body),
    ),
    "hubspot": (
        lambda secret, ts, body: hubspot_sign(secret, "POST", URI, ts, body),
        lambda secret, headers, body, now: hubspot_verify(secret, headers, body, "POST", URI, now=now),
    ),
}


@pytest.mark.parametrize("vendor", VENDORS)
def test_vendor_signed_request_verifies(vendor):
    vendor_sign, vendor_verify = VENDORS[vendor]
    headers = vendor_sign("s3cret", NOW, BODY)
    assert headers["content-type"] == "application/json"
    assert vendor_verify("s3cret", headers, BODY.encode(), NOW + 60) is None


@pytest.mark.parametrize("vendor", VENDORS)
def test_vendor_tampered_body_is_rejected(vendor):
    vendor_sign, vendor_verify = VENDORS[vendor]
    with pytest.raises(SignatureError, match="no matching signature"):
        vendor_verify("s3cret", vendor_sign("s3cret", NOW, BODY), BODY.replace("2", "3"), NOW)


@pytest.mark.parametrize("vendor", VENDORS)
def test_vendor_wrong_secret_is_rejected(vendor):
    vendor_sign, vendor_verify = VENDORS[vendor]
    with pytest.raises(SignatureError, match="no matching signature"):
        vendor_verify("other", vendor_sign("s3cret", NOW, BODY), BODY, NOW)


@pytest.mark.parametrize("vendor", ["stripe", "hubspot"])
def test_vendor_stale_request_is_rejected(vendor):
    vendor_sign, vendor_verify = VENDORS[vendor]
    with pytest.raises(SignatureError, match="message timestamp too old: 301 s before now"):
        vendor_verify("s3cret", vendor_sign("s3cret", NOW, BODY), BODY, NOW + 301)


def test_github_request_replayed_a_day_later_still_verifies():
    headers = github_sign("s3cret", BODY)
    assert github_verify("s3cret", headers, BODY) is None
    assert "none" in next(s for s in SCHEMES if s["name"] == "GitHub")["replay_protection"]


def test_github_matches_its_documented_vector():
    headers = github_sign("It's a Secret to Everybody", "Hello, World!")
    assert headers["X-Hub-Signature-256"] == (
        "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
    )


def test_stripe_accepts_any_of_several_v1_signatures_and_skips_v0():
    good = stripe_sign("s3cret", NOW, BODY)["Stripe-Signature"]
    header = good.replace(",v1=", f",v0=zz,v1={'0' * 64},v1=")
    assert stripe_verify("s3cret", {"stripe-signature": header}, BODY, now=NOW) is None


def test_hubspot_signs_method_and_uri():
    headers = hubspot_sign("s3cret", "POST", URI, NOW, BODY)
    with pytest.raises(SignatureError, match="method and full URI"):
        hubspot_verify("s3cret", headers, BODY, "POST", URI.replace("42", "43"), now=NOW)


def test_hubspot_timestamp_header_is_in_milliseconds():
    assert hubspot_sign("s3cret", "POST", URI, NOW + 0.25, BODY)["X-HubSpot-Request-Timestamp"] == "1767603600250"


STRIPE_GOOD = stripe_sign("s3cret", NOW, BODY)["Stripe-Signature"]
GITHUB_GOOD = github_sign("s3cret", BODY)["X-Hub-Signature-256"]
HUBSPOT_GOOD = hubspot_sign("s3cret", "POST", URI, NOW, BODY)


@pytest.mark.parametrize(
    ("vendor", "headers", "message"),
    [
        pytest.param("stripe", {}, "missing required header: Stripe-Signature", id="stripe-missing"),
        pytest.param("stripe", {"Stripe-Signature": "garbage"}, "malformed Stripe-Signature: 'garbage'", id="stripe-garbage"),
        pytest.param("stripe", {"Stripe-Signature": STRIPE_GOOD.replace(str(NOW), "1e9")}, "malformed Stripe-Signature t=", id="stripe-t-exponent"),
        pytest.param("stripe", {"Stripe-Signature": STRIPE_GOOD.split(",")[1]}, "exactly one 't=", id="stripe-no-t"),
        pytest.param("stripe", {"Stripe-Signature": f"t={NOW},t={NOW}"}, "exactly one 't=", id="stripe-two-t"),
        pytest.param("stripe", {"Stripe-Signature": f"t={NOW},v1=zz"}, "malformed Stripe-Signature: 'v1=zz'", id="stripe-bad-hex"),
        pytest.param("stripe", {"Stripe-Signature": f"t={NOW},v1={'é' * 64}"}, "malformed Stripe-Signature", id="stripe-non-ascii"),
        pytest.param("stripe", {"Stripe-Signature": f"t={NOW}"}, "checked 0 v1 signature(s)", id="stripe-no-v1"),
        pytest.param("github", {}, "missing required header: X-Hub-Signature-256", id="github-missing"),
        pytest.param("github", {"X-Hub-Signature-256": GITHUB_GOOD.replace("sha256", "sha1")}, "is not 'sha256=<64 hex digits>'", id="github-sha1"),
        pytest.param("github", {"X-Hub-Signature-256": "sha256=xyz"}, "malformed X-Hub-Signature-256", id="github-bad-hex"),
        pytest.param("github", {"X-Hub-Signature-256": "sha256=" + "é" * 64}, "malformed X-Hub-Signature-256", id="github-non-ascii"),
        pytest.param("hubspot", {}, "missing required header: X-HubSpot-Signature-v3", id="hubspot-missing"),
        pytest.param("hubspot", {**HUBSPOT_GOOD, "X-HubSpot-Request-Timestamp": ""}, "missing required header: X-HubSpot-Request-Timestamp", id="hubspot-no-ts"),
        pytest.param("hubspot", {**HUBSPOT_GOOD, "X-HubSpot-Request-Timestamp": "12.5"}, "expected Unix milliseconds", id="hubspot-ts-fraction"),
        pytest.param("hubspot", {**HUBSPOT_GOOD, "X-HubSpot-Request-Timestamp": str(NOW)}, "too old", id="hubspot-ts-in-seconds"),
        pytest.param("hubspot", {**HUBSPOT_GOOD, "X-HubSpot-Signature-v3": "@@@"}, "is not base64", id="hubspot-not-base64"),
    ],
)  # fmt: skip
def test_vendor_bad_request_raises_signature_error_naming_the_check(vendor, headers, message):
    with pytest.raises(SignatureError) as caught:
        VENDORS[vendor][1]("s3cret", headers, BODY, NOW)
    assert message in str(caught.value)


@pytest.mark.parametrize("secret", ["", b"", None])
def test_vendor_empty_secret_is_a_config_error(secret):
    with pytest.raises(ConfigError, match="the secret must be a non-empty string"):
        github_sign(secret, BODY)


def test_schemes_table_has_one_complete_row_per_scheme():
    assert [s["name"] for s in SCHEMES] == ["Standard Webhooks", "Stripe", "GitHub", "HubSpot v3"]
    assert all(s.keys() == SCHEMES[0].keys() and all(s.values()) for s in SCHEMES)


def test_vendor_names_are_reachable_from_the_signing_module():
    from hooklab import signing

    assert signing.stripe_verify is stripe_verify
    assert signing.SCHEMES is SCHEMES
    with pytest.raises(AttributeError):
        signing.no_such_name  # noqa: B018
