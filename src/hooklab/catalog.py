"""The event catalog: every event type, its JSON Schema, validation, fake data, OpenAPI.

Every event travels in the Standard Webhooks envelope::

    {"type": "order.completed", "timestamp": "2026-01-05T09:00:00.000Z", "data": {...}}

>>> from hooklab import catalog
>>> factory = catalog.Factory(seed=7)
>>> event = catalog.envelope("order.completed", factory.data("order.completed"), 1767603600)
>>> catalog.validate(event)["timestamp"]
'2026-01-05T09:00:00.000Z'
"""

from __future__ import annotations

import copy
import difflib
import functools
import random
import re
import sys
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, Callable

from hooklab.clock import VIRTUAL_EPOCH
from hooklab.errors import ConfigError, EventValidationError

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator

__all__ = [
    "EventType", "EVENT_TYPES", "is_known", "get", "validate", "validate_data", "envelope",
    "format_timestamp", "make_id", "Factory", "openapi", "catalog_table", "warm_up",
]

LOCALES = ("en_US", "pt_BR")
#: The course's languages, and the locales of the people a stack in that language makes up.
LANGUAGES = {"en": LOCALES, "pt-BR": ("pt_BR",)}
CURRENCIES = ("USD", "BRL", "EUR")
SIGNUP_SOURCES = ("footer-form", "checkout", "landing-page", "import")
UNSUBSCRIBE_REASONS = ("too-frequent", "not-relevant", "never-signed-up", "other")
FORM_IDS = ("demo-request", "ebook-download", "webinar-registration", "contact-sales")
REFUND_REASONS = ("damaged", "not-as-described", "changed-mind", "other")

# Our own format checks: jsonschema's defaults accept anything for "date-time" and "uri"
# unless optional packages happen to be installed, and its "email" only looks for an '@'.
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_DATE_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)")
_URI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:\S+")


def _is_email(value: object) -> bool:
    return not isinstance(value, str) or _EMAIL.fullmatch(value) is not None


def _is_date_time(value: object) -> bool:
    if not isinstance(value, str):
        return True
    return _DATE_TIME.fullmatch(value) is not None and bool(datetime.fromisoformat(value))


def _is_uri(value: object) -> bool:
    return not isinstance(value, str) or _URI.fullmatch(value) is not None


# -- schemas ---------------------------------------------------------------------------------
def _p(type_: str, description: str, **keywords: Any) -> dict:
    return {"type": type_, "description": description, **keywords}


def _enum(values: tuple[str, ...], description: str) -> dict:
    return _p("string", description, enum=list(values))


EMAIL = _p("string", "The person's email address.", format="email", maxLength=254)
NAME = _p("string", "Full name, as the person typed it.", minLength=1)
PHONE, COMPANY = _p("string", "Phone number, as typed."), _p("string", "Company name.")
JOB_TITLE = _p("string", "Job title.")
CURRENCY = _enum(CURRENCIES, "ISO 4217 currency code of every amount in the event.")
TOTAL = _p("number", "Sum of all items, 2 decimals.", minimum=0)
ORDER_ID = _p("string", "The shop's order id.", pattern="^ord_[0-9a-z]+$")
ITEMS = _p("array", "The products, one line each.", minItems=1, items={
    "type": "object", "additionalProperties": False, "required": ["sku", "name", "quantity", "unit_price"],
    "properties": {"sku": _p("string", "Product code (stock-keeping unit).", minLength=1),
                   "name": _p("string", "Product name as the customer saw it.", minLength=1),
                   "quantity": _p("integer", "How many units.", minimum=1),
                   "unit_price": _p("number", "Price of one unit, 2 decimals.", minimum=0)}})
_ITEM = {"sku": "TEE-BLK", "name": "Black T-shirt", "quantity": 2, "unit_price": 19.0}


@dataclass(frozen=True)
class EventType:
    """One kind of event: what it means, where it comes from, and the schema of its data."""

    name: str
    source: str  # "signup" or "shop"
    summary: str
    schema: dict = field(hash=False, repr=False)
    version: int = 1

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(self.schema["properties"])

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(self.schema["required"])


def _event(name: str, source: str, summary: str, properties: dict, required: str, example: dict,
           **keywords: Any) -> EventType:
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": name,
              "description": summary, "type": "object", "properties": properties,
              "required": required.split(), "additionalProperties": False, **keywords, "examples": [example]}
    return EventType(name, source, summary, schema)


EVENT_TYPES: dict[str, EventType] = {t.name: t for t in (
    _event("newsletter.subscribed", "signup", "Someone joined a mailing list.", {
        "email": EMAIL, "name": NAME,
        "list": _p("string", "The mailing list joined.", default="newsletter", minLength=1),
        "signup_source": _enum(SIGNUP_SOURCES, "Where the person signed up."),
        "locale": _enum(LOCALES, "The person's language and country, for localized email.")},
        "email name list signup_source locale",
        {"email": "ana.souza@example.com", "name": "Ana Souza", "list": "newsletter",
         "signup_source": "footer-form", "locale": "pt_BR"}),
    _event("newsletter.unsubscribed", "signup", "Someone left a mailing list.", {
        "email": EMAIL, "list": _p("string", "The mailing list left.", minLength=1),
        "reason": _enum(UNSUBSCRIBE_REASONS, "Why they left, if they said.")}, "email list",
        {"email": "ana.souza@example.com", "list": "newsletter", "reason": "too-frequent"}),
    _event("contact.updated", "signup", "A contact changed their details.", {
        "email": EMAIL,
        "version": _p("integer", "Goes up by one with each change of this contact; an update with a lower "
                      "version than one already applied arrived out of order.", minimum=1),
        "name": NAME, "phone": PHONE, "company": COMPANY, "city": _p("string", "City."),
        "job_title": JOB_TITLE}, "email version",
        {"email": "ana.souza@example.com", "version": 2, "company": "Acme Ltda", "job_title": "CMO"},
        minProperties=3),  # email, version and at least one detail that changed
    _event("form.submitted", "signup", "Someone filled in a form: a new lead.", {
        "form_id": _enum(FORM_IDS, "Which form was filled in."), "email": EMAIL, "name": NAME,
        "company": COMPANY, "job_title": JOB_TITLE, "phone": PHONE,
        "message": _p("string", "Free text the person wrote.", maxLength=2000),
        "consent": _p("boolean", "True if the person agreed to receive marketing email."),
        "utm": _p("object", "The campaign that brought the person (UTM parameters).",
                  additionalProperties=False, properties={
                      "source": _p("string", "Where the click came from, e.g. linkedin."),
                      "medium": _p("string", "Kind of traffic, e.g. cpc, email, social."),
                      "campaign": _p("string", "Campaign name.")})}, "form_id email name consent",
        {"form_id": "demo-request", "email": "sam.lee@example.org", "name": "Sam Lee", "consent": True,
         "utm": {"source": "linkedin", "medium": "social", "campaign": "spring-launch"}}),
    _event("order.completed", "shop", "A customer paid for an order.", {
        "order_id": ORDER_ID, "email": EMAIL, "name": NAME, "total": TOTAL, "currency": CURRENCY,
        "items": ITEMS, "completed_at": _p("string", "When payment went through.", format="date-time")},
        "order_id email name total currency items completed_at",
        {"order_id": "ord_8k2j4m", "email": "sam.lee@example.org", "name": "Sam Lee", "total": 38.0,
         "currency": "USD", "items": [_ITEM], "completed_at": "2026-01-05T09:00:00.000Z"}),
    _event("order.refunded", "shop", "A customer got money back for an order.", {
        "order_id": ORDER_ID, "email": EMAIL,
        "amount": _p("number", "Amount refunded, 2 decimals.", exclusiveMinimum=0), "currency": CURRENCY,
        "reason": _enum(REFUND_REASONS, "Why the order was refunded.")}, "order_id email amount currency",
        {"order_id": "ord_8k2j4m", "email": "sam.lee@example.org", "amount": 19.0, "currency": "USD"}),
    _event("cart.abandoned", "shop", "A shopper left items in the cart without paying.", {
        "cart_id": _p("string", "The shop's cart id.", pattern="^cart_[0-9a-z]+$"), "email": EMAIL,
        "total": TOTAL, "currency": CURRENCY, "items": ITEMS,
        "recover_url": _p("string", "Link that brings the shopper back to the cart.", format="uri")},
        "cart_id email total currency items recover_url",
        {"cart_id": "cart_3f9x", "email": "sam.lee@example.org", "total": 38.0, "currency": "USD",
         "items": [_ITEM], "recover_url": "https://shop.example.com/cart/cart_3f9x/recover"}),
)}


def _envelope_schema(type_schema: dict | None = None, data_schema: dict | None = None) -> dict:
    return {"type": "object", "required": ["type", "timestamp", "data"], "additionalProperties": False,
            "properties": {"type": type_schema or _p("string", "The event type, e.g. order.completed."),
                           "timestamp": _p("string", "When it happened (ISO 8601, UTC).", format="date-time"),
                           "data": data_schema or _p("object", "The event's data.")}}


# -- lookup and validation -------------------------------------------------------------------
def is_known(name: object) -> bool:
    """True if ``name`` is an event type in the catalog."""
    return isinstance(name, str) and name in EVENT_TYPES


def get(name: str) -> EventType:
    """The :class:`EventType` called ``name``; EventValidationError if there is none."""
    if is_known(name):
        return EVENT_TYPES[name]
    close = difflib.get_close_matches(str(name), EVENT_TYPES, n=1)
    hint = f"did you mean {close[0]!r}? " if close else ""
    message = f"unknown event type {name!r}; {hint}known types: {', '.join(EVENT_TYPES)}"
    raise EventValidationError(message, [f"type: {message}"])


def _jsonschema():
    """Import jsonschema without its optional rfc3987-syntax checks.

    When rfc3987-syntax is installed (Jupyter pulls it in), importing jsonschema
    builds its grammar: about a second, in every kernel, for IRI formats we never
    use (we check our formats ourselves). Hide it during the import only.
    """
    hide = "rfc3987_syntax" not in sys.modules
    if hide:
        sys.modules["rfc3987_syntax"] = None  # type: ignore[assignment]  # makes its import fail fast
    try:
        from jsonschema import Draft202012Validator, FormatChecker
    finally:
        if hide:
            del sys.modules["rfc3987_syntax"]
    return Draft202012Validator, FormatChecker


@functools.cache
def _validator(name: str | None) -> Draft202012Validator:
    """The validator of one type's data (of the envelope when ``name`` is None), built once."""
    Draft202012Validator, FormatChecker = _jsonschema()

    formats = FormatChecker(formats=())
    formats.checks("email")(_is_email)
    formats.checks("uri")(_is_uri)
    formats.checks("date-time", raises=ValueError)(_is_date_time)  # fromisoformat: no 13th month
    return Draft202012Validator(get(name).schema if name else _envelope_schema(), format_checker=formats)


def warm_up() -> None:
    """Build every validator now, e.g. on a background thread at stack start: the first build
    imports jsonschema, which takes about a second when Jupyter's rfc3987-syntax is installed."""
    for name in (None, *EVENT_TYPES):
        _validator(name)
        if name is not None:
            _fast_check(name)


def _date_time_ok(value: object) -> bool:
    try:
        return bool(_is_date_time(value))
    except ValueError:
        return False


@functools.cache
def _fast_check(name: str) -> Callable[[object], object]:
    """A compiled check of one type's data: about 15 times quicker than jsonschema on the receiver's
    hot path, and only ever trusted to say "valid"; any problem is described by jsonschema."""
    import fastjsonschema

    formats = {"email": _is_email, "uri": _is_uri, "date-time": _date_time_ok}
    return fastjsonschema.compile(get(name).schema, formats=formats)


def _problems(name: str | None, instance: object, prefix: str) -> list[str]:
    if name is not None:
        try:
            _fast_check(name)(instance)
            return []
        except Exception:  # JsonSchemaValueException, or anything odd: let jsonschema say what is wrong
            pass
    problems = []
    for error in _validator(name).iter_errors(instance):
        path = prefix + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path)
        message = error.message
        if error.validator == "minProperties":
            missing = ", ".join(sorted(set(error.schema["properties"]) - set(error.instance)))
            message = f"needs at least {error.validator_value} fields; add one of: {missing}"
        elif len(message) > 160:  # messages quote the value, which may be long
            message = message[:157] + "..."
        problems.append(f"{path.lstrip('.') or 'event'}: {message}")
    return problems


def _raise_if(label: str, problems: list[str]) -> None:
    if problems:
        problems.sort()
        more = f" (+{len(problems) - 1} more in .errors)" if len(problems) > 1 else ""
        raise EventValidationError(f"{label}: {problems[0]}{more}", problems)


def _envelope_ok(event: dict) -> bool:
    """The common case, checked without jsonschema's overhead (the receiver's hot path)."""
    try:
        return (event.keys() == {"type", "timestamp", "data"} and isinstance(event["type"], str)
                and isinstance(event["data"], dict) and isinstance(event["timestamp"], str)
                and _is_date_time(event["timestamp"]))
    except ValueError:
        return False


def validate(event: dict) -> dict:
    """Check an event's envelope and data against the catalog; return the event unchanged.

    >>> try:
    ...     validate({"type": "order.refunded", "timestamp": "2026-01-05T09:00:00Z", "data": {"amount": 0}})
    ... except EventValidationError as error:
    ...     print(error.errors[0])
    data.amount: 0 is less than or equal to the minimum of 0
    """
    if not isinstance(event, dict):
        _raise_if("event", [f"event: expected a JSON object with type, timestamp and data, not "
                            f"{type(event).__name__}"])
    name = event.get("type")
    problems = [] if _envelope_ok(event) else _problems(None, event, "")
    if isinstance(name, str):
        get(name)  # an unknown type is the one problem worth reporting
        if isinstance(event.get("data"), dict):
            problems += _problems(name, event["data"], "data")
    _raise_if(name if isinstance(name, str) else "event", problems)
    return event


def validate_data(name: str, data: dict) -> dict:
    """Check the ``data`` of an event of type ``name``; return it unchanged."""
    _raise_if(get(name).name, _problems(name, data, "data"))
    return data


def format_timestamp(ts: float) -> str:
    """Unix seconds as ISO 8601 UTC with milliseconds: ``'2026-01-05T09:00:00.000Z'``."""
    ms = round(ts * 1000)
    return f"{datetime.fromtimestamp(ms // 1000, tz=timezone.utc):%Y-%m-%dT%H:%M:%S}.{ms % 1000:03d}Z"


def envelope(name: str, data: dict, timestamp: float) -> dict:
    """Wrap ``data`` as a Standard Webhooks payload (the type must exist; data is not checked)."""
    return {"type": get(name).name, "timestamp": format_timestamp(timestamp), "data": data}


def make_id(prefix: str, rng: random.Random) -> str:
    """``prefix_`` + 22 characters (0-9a-z) drawn from ``rng``: ``make_id("ord", rng) -> 'ord_…'``."""
    return f"{prefix}_{''.join(rng.choices('0123456789abcdefghijklmnopqrstuvwxyz', k=22))}"


# -- fake data -------------------------------------------------------------------------------
_LOCALE_WEIGHTS = {"en_US": 0.7, "pt_BR": 0.3}
_DOMAINS = ("example.com", "example.org", "example.net")  # reserved (RFC 2606): never delivered
_CONTACT_FIELDS = ("name", "phone", "company", "city", "job_title")
_PERSON_FIELDS = {"email", "locale", *_CONTACT_FIELDS}  # what person() gives
_UTM = (("google", "cpc"), ("linkedin", "social"), ("newsletter", "email"), ("facebook", "paid"))
_CAMPAIGNS = ("spring-launch", "webinar-q1", "black-friday", "martech-ebook")
_PRODUCTS = (("TEE-BLK", "Black T-shirt", 19.0), ("HOOD-GRY", "Grey hoodie", 45.0),
             ("MUG-WHT", "White mug", 12.5), ("CAP-NVY", "Navy cap", 15.0), ("BAG-CNV", "Tote bag", 9.9),
             ("BOOK-WH", "Webhooks field guide", 29.0), ("STK-PCK", "Sticker pack", 4.5))
_PRICE_RATE = {"USD": 1.0, "BRL": 5.0, "EUR": 0.9}


def _total(items: list[dict]) -> float:
    return round(sum(item["quantity"] * item["unit_price"] for item in items), 2)


class Factory:
    """Seeded, realistic people and event data; the same seed gives the same sequence.

    >>> factory = Factory(seed=7)
    >>> ana = factory.person()
    >>> factory.data("newsletter.subscribed", ana)["email"] == ana["email"]
    True
    """

    def __init__(self, seed: int | None = None, locales: tuple[str, ...] = LOCALES, *,
                 now: Callable[[], float] | None = None) -> None:
        unsupported = [locale for locale in locales if locale not in LOCALES]
        if unsupported or not locales:
            raise ConfigError(f"unsupported locales {unsupported}; choose from {list(LOCALES)}")
        self.seed = random.randrange(2**32) if seed is None else seed
        self.locales = tuple(locales)
        self.rng = random.Random(self.seed)
        self._now = now or (lambda: VIRTUAL_EPOCH)  # e.g. the stack's clock.now
        self._fakers: dict[str, Any] = {}
        self._emails: set[str] = set()
        self._suffixes: dict[tuple[str, str], int] = {}  # the next number to try after john.smith@...
        self._versions: dict[str, int] = {}  # contact.updated version per email

    def _faker(self, locale: str) -> Any:
        if locale not in self._fakers:
            from faker import Faker  # slow to import and build: only when data is first needed

            # Unweighted picks: Faker's weighted name lists cost about 300 µs a person in en_US
            # (the cumulative weights are rebuilt on every call); uniform picks cost 60 µs.
            self._fakers[locale] = Faker(locale if locale in LOCALES else "en_US", use_weighting=False)
            self._fakers[locale].seed_instance(f"{self.seed}:{locale}")  # independent of creation order
        return self._fakers[locale]

    def reserve(self, emails) -> None:
        """Never hand out these addresses (people already in a data folder from an earlier run)."""
        self._emails.update(emails)

    def person(self) -> dict:
        """A new person: unique email on a reserved domain, name, phone, company, city, job, locale."""
        locale = self.rng.choices(self.locales, [_LOCALE_WEIGHTS[loc] for loc in self.locales])[0]
        fake = self._faker(locale)
        first, last = fake.first_name(), fake.last_name()
        # "João da Silva" -> "joao.silva": NFKD splits off the accents, the regex drops them.
        words = (re.sub(r"[^a-z0-9]", "", unicodedata.normalize("NFKD", w).lower())
                 for w in (first.split()[0], last.split()[-1]))
        local, domain = ".".join(filter(None, words)) or "contact", self.rng.choice(_DOMAINS)
        n = self._suffixes.get((local, domain), 1)  # where the last search for this name ended
        while (email := f"{local}{n if n > 1 else ''}@{domain}") in self._emails:
            n += 1
        self._suffixes[(local, domain)] = n + 1
        self._emails.add(email)
        return {"email": email, "name": f"{first} {last}", "phone": fake.phone_number(),
                "company": fake.company(), "city": fake.city(), "job_title": fake.job(), "locale": locale}

    def data(self, event_type: str, /, person: dict | None = None, **overrides: Any) -> dict:
        """Valid data for an event of type ``event_type``; ``overrides`` replace generated fields as given.

        >>> Factory(seed=1).data("order.refunded", amount=10.0)["amount"]
        10.0
        """
        fields = get(event_type).fields
        unknown = sorted(set(overrides) - set(fields))
        if unknown:
            raise EventValidationError(f"{event_type}: unknown field(s) {', '.join(map(repr, unknown))}; "
                                       f"allowed fields: {', '.join(fields)}",
                                       [f"data.{key}: not a field of {event_type}" for key in unknown])
        # A partial person (just an email, say) is completed with generated details.
        if person is None or not _PERSON_FIELDS <= person.keys():
            person = {**self.person(), **(person or {})}
        data = self._generate(event_type, person)
        data.update(overrides)
        if "items" in overrides and "total" in data and "total" not in overrides:
            try:
                data["total"] = _total(overrides["items"])
            except (TypeError, KeyError):
                pass  # odd items on purpose: the caller decides, the total stays as generated
        return data

    def _items(self, currency: str) -> list[dict]:
        return [{"sku": sku, "name": title, "quantity": self.rng.randint(1, 3),
                 "unit_price": round(price * _PRICE_RATE[currency], 2)}
                for sku, title, price in self.rng.sample(_PRODUCTS, self.rng.randint(1, 3))]

    def _some(self, probability: float, fields: dict) -> dict:
        """``fields`` with the given probability, else none: optional fields appear only sometimes."""
        return fields if self.rng.random() < probability else {}

    def _generate(self, name: str, p: dict) -> dict:
        rng, email, some = self.rng, p["email"], self._some
        currency = "BRL" if p.get("locale") == "pt_BR" else "USD"
        if name == "newsletter.subscribed":
            return {"email": email, "name": p["name"], "list": "newsletter",
                    "signup_source": rng.choice(SIGNUP_SOURCES), "locale": p["locale"]}
        if name == "newsletter.unsubscribed":
            reason = rng.choice(UNSUBSCRIBE_REASONS)
            return {"email": email, "list": "newsletter", **some(0.7, {"reason": reason})}
        if name == "contact.updated":
            version = self._versions[email] = self._versions.get(email, 0) + 1
            changed = rng.sample(_CONTACT_FIELDS, rng.randint(1, 3))
            return {"email": email, "version": version, **{k: p[k] for k in _CONTACT_FIELDS if k in changed}}
        if name == "form.submitted":
            source, medium = rng.choice(_UTM)
            utm = {"source": source, "medium": medium, "campaign": rng.choice(_CAMPAIGNS)}
            message = self._faker(p["locale"]).sentence(nb_words=12)
            return {"form_id": rng.choice(FORM_IDS), "email": email, "name": p["name"],
                    "company": p["company"], "job_title": p["job_title"], **some(0.5, {"phone": p["phone"]}),
                    **some(0.3, {"message": message}), "consent": rng.random() < 0.8,
                    **some(0.6, {"utm": utm})}
        if name == "order.refunded":
            return {"order_id": make_id("ord", rng), "email": email, "amount": round(rng.uniform(5, 150), 2),
                    "currency": currency, **some(0.7, {"reason": rng.choice(REFUND_REASONS)})}
        items = self._items(currency)
        if name == "order.completed":
            return {"order_id": make_id("ord", rng), "email": email, "name": p["name"],
                    "total": _total(items), "currency": currency, "items": items,
                    "completed_at": format_timestamp(self._now())}
        cart_id = make_id("cart", rng)  # cart.abandoned
        return {"cart_id": cart_id, "email": email, "total": _total(items), "currency": currency,
                "items": items, "recover_url": f"https://shop.example.com/cart/{cart_id}/recover"}


# -- exports ---------------------------------------------------------------------------------
_HEADERS = {
    "webhook-id": "Unique message id (msg_...); the same on every retry, so receivers can drop duplicates.",
    "webhook-timestamp": "Unix seconds when the message was signed; reject it if it is too far from now.",
    "webhook-signature": "Space-separated signatures, each `v1,` + base64 HMAC-SHA256 of "
                         "`{webhook-id}.{webhook-timestamp}.{raw body}` keyed with the endpoint secret.",
}
_RESPONSES = {"2XX": "Accepted; the receiver processes the event.",
              "401": "Signature or timestamp check failed.",
              "422": "The payload does not match the event's schema."}


def openapi(title: str = "hooklab webhooks", version: str = "1.0.0") -> dict:
    """The catalog as an OpenAPI 3.1 document: one entry under ``webhooks`` per event type.

    >>> sorted(openapi()["webhooks"]) == sorted(EVENT_TYPES)
    True
    """
    def post(t: EventType) -> dict:
        body = _envelope_schema(_p("string", "The event type.", const=t.name),
                                {"$ref": f"#/components/schemas/{t.name}"})
        return {"post": {
            "operationId": t.name, "summary": t.summary, "tags": [t.source],
            "parameters": [{"$ref": f"#/components/parameters/{header}"} for header in _HEADERS],
            "requestBody": {"required": True, "content": {"application/json": {"schema": body}}},
            "responses": {code: {"$ref": f"#/components/responses/{code}"} for code in _RESPONSES}}}

    return copy.deepcopy({  # a copy: editing the document must not edit the catalog
        "openapi": "3.1.0",
        "info": {"title": title, "version": version, "description": (
            "Every request is signed the Standard Webhooks way: `webhook-signature` holds `v1,` + base64 "
            "HMAC-SHA256 of `{webhook-id}.{webhook-timestamp}.{body}`, keyed with the endpoint's `whsec_` "
            "secret. Verify it against the raw body, reject timestamps too far from now, then drop "
            "duplicates by `webhook-id`.")},
        "tags": [{"name": "signup", "description": "Events from the signup form."},
                 {"name": "shop", "description": "Events from the shop."}],
        "paths": {},
        "webhooks": {t.name: post(t) for t in EVENT_TYPES.values()},
        "components": {
            "schemas": {t.name: t.schema for t in EVENT_TYPES.values()},
            "parameters": {header: {"name": header, "in": "header", "required": True, "description": text,
                                    "schema": {"type": "string"}} for header, text in _HEADERS.items()},
            "responses": {code: {"description": text} for code, text in _RESPONSES.items()}},
    })


def catalog_table() -> list[dict]:
    """One row per event type, for a lesson's table: ``pandas.DataFrame(catalog_table())``."""
    return [{"type": t.name, "source": t.source, "summary": t.summary, "required": ", ".join(t.required),
             "version": t.version} for t in EVENT_TYPES.values()]
