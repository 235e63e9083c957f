"""Security guarantees of a running stack: loopback only, secrets redacted everywhere, keys required, no SSRF.

(Replay from a cross-site page is refused: tests/test_interactive.py::test_replay_needs_the_token_or_the_page_itself.)
"""

from __future__ import annotations

import base64
import logging
import socket

import psutil
import pytest
import requests

import hooklab
from hooklab.clock import VirtualClock
from hooklab.delivery import dispatcher as dispatcher_mod
from hooklab.faults import Faults
from hooklab.services import crm, email, notifier
from hooklab.store import Store


def _non_loopback_addresses() -> list[str]:
    found = []
    for addresses in psutil.net_if_addrs().values():
        for a in addresses:
            if a.family in (socket.AF_INET, socket.AF_INET6):
                ip = a.address.split("%")[0]
                if ip not in ("127.0.0.1", "::1") and not ip.startswith("127."):
                    found.append(ip)
    return found


# -- every server binds 127.0.0.1 only --------------------------------------------------------------

def test_every_server_of_a_stack_listens_on_loopback_only(vstack):
    servers = vstack._servers
    assert set(servers) == set(vstack.SERVICES)
    ports = {}
    for name, server in servers.items():
        host, port = server._server.socket.getsockname()[:2]
        assert host == "127.0.0.1" and server.url == f"http://127.0.0.1:{port}" == vstack.urls[name]
        ports[port] = name
    listening = [c for c in psutil.Process().net_connections("inet") if c.status == psutil.CONN_LISTEN]
    ours = [c for c in listening if c.laddr.port in ports]
    assert sorted(c.laddr.port for c in ours) == sorted(ports)  # one listening socket per service...
    assert {c.laddr.ip for c in ours} == {"127.0.0.1"}  # ...on loopback: not 0.0.0.0, not ::


@pytest.mark.skipif(not _non_loopback_addresses(), reason="this machine has no non-loopback address")
def test_a_connection_to_the_machines_other_addresses_is_refused(vstack):
    for name, url in vstack.urls.items():
        port = int(url.rsplit(":", 1)[1])
        assert requests.get(url + "/health", timeout=5).status_code == 200  # reachable on loopback
        for ip in _non_loopback_addresses():
            family = socket.AF_INET6 if ":" in ip else socket.AF_INET
            with socket.socket(family, socket.SOCK_STREAM) as s:
                s.settimeout(2)
                with pytest.raises(OSError):  # ConnectionRefusedError: nothing listens there
                    s.connect((ip, port))


# -- secrets never show --------------------------------------------------------------------------

def _secrets_of(stack) -> list[str]:
    secret = stack.secret
    values = [secret, secret.removeprefix("whsec_"), base64.b64decode(secret.removeprefix("whsec_")).hex(),
              *stack.keys.values()]
    assert secret.startswith("whsec_") and all(k.startswith("key_") for k in stack.keys.values())
    return values


def _frames(stack):
    d = stack.dispatcher
    return {
        "deliveries": stack.deliveries(), "events": stack.events(), "dead_letters": stack.dead_letters(),
        "stats": stack.stats(), "reconcile": stack.reconcile(), "warning_signs": stack.warning_signs(),
        "dispatcher.deliveries": d.deliveries(), "dispatcher.subscriptions": d.subscriptions(),
        "receiver.inbox": stack.receiver.inbox(), "receiver.rejections": stack.receiver.rejections(),
        "crm.contacts": stack.crm.contacts(), "crm.orders": stack.crm.orders(), "crm.timeline": stack.crm.timeline(),
        "email.subscribers": stack.email.subscribers(), "email.lists": stack.email.lists(),
        "notifier.messages": stack.notifier.messages(),
    }


def test_secrets_appear_in_no_repr_log_dataframe_page_or_api(caplog):
    caplog.set_level(logging.DEBUG)  # every logger: hooklab, werkzeug, urllib3
    with hooklab.start(seed=11, clock="virtual", schedule=(0, 1, 5)) as stack:
        secrets = _secrets_of(stack)
        requests.get(stack.urls["crm"] + "/api/contacts", headers={"Authorization": "Bearer key_wrong"}, timeout=5)
        requests.post(stack.urls["receiver"] + "/webhooks", data=b"{}", headers={"Content-Type": "application/json"},
                      timeout=5)  # unsigned: a 401 and a rejection row
        stack.faults.set("receiver", error_rate=0.3, drop_rate=0.1, corrupt_rate=0.2, duplicate_rate=0.2)
        stack.faults.set("crm", error_rate=0.3)
        stack.faults.set("email", outage=True)

        @stack.receiver.on("contact.updated")
        def broken(event):  # a learner's handler that fails, with its traceback logged
            raise RuntimeError("boom")

        for event_type in hooklab.catalog.EVENT_TYPES:
            for _ in range(3):
                stack.fire(event_type)
        stack.wait()
        sub = stack.subscribe(stack.urls["receiver"] + "/webhooks", name="second")  # generated secret
        assert sub["secret"].startswith("whsec_")  # given once, to the caller who subscribes
        secrets.append(sub["secret"])
        stack.fire("order.completed")
        stack.wait()
        stack.faults.clear()  # read everything back without meeting the faults

        texts = {"repr": " ".join(repr(x) for x in (
            stack, stack.crm, stack.email, stack.notifier, stack.dispatcher, stack.receiver, stack.faults,
            stack.sources, stack.clock, *stack._servers.values(), stack.dispatcher.queue, stack.receiver.queue))}
        frames = _frames(stack)
        assert len(frames["deliveries"]) > 20 and (frames["deliveries"]["outcome"] != "delivered").any()
        assert len(frames["dispatcher.subscriptions"]) == 2
        for name, df in frames.items():
            texts[f"frame {name}"] = df.to_json(default_handler=str, date_format="iso") + " ".join(map(str, df.columns))
        inspector = stack.urls["inspector"]
        texts["inspector page"] = requests.get(inspector + "/", timeout=5).text
        texts["inspector attempts"] = requests.get(inspector + "/api/attempts", timeout=5).text
        texts["inspector events"] = requests.get(inspector + "/api/events", timeout=5).text
        details = [requests.get(f"{inspector}/api/attempts/{a}", timeout=5).text
                   for a in frames["deliveries"]["attempt_id"]]
        assert all("webhook-signature" in d for d in details)  # signatures are shown; the key that makes them is not
        texts["inspector attempt details"] = " ".join(details)
        for service in ("crm", "email", "notifier"):
            texts[f"{service} 401"] = requests.get(stack.urls[service] + "/api/x", timeout=5).text
        texts["crm openapi"] = requests.get(stack.urls["crm"] + "/openapi.json", timeout=5).text
        texts["email openapi"] = requests.get(stack.urls["email"] + "/openapi.json", timeout=5).text
    records = caplog.records
    names = {r.name for r in records}
    assert "urllib3.connectionpool" in names, names  # request lines, at DEBUG (waitress logs none)
    texts["log"] = "\n".join(logging.Formatter("%(name)s %(message)s").format(r) for r in records)
    for where, text in texts.items():
        for secret in secrets:
            assert secret not in text, f"a secret ({secret[:10]}...) is in the {where}"


# -- the CRM and email APIs need their key, on every route -------------------------------------------

SAMPLE = {"email": "ana@example.com", "order_id": "A-1", "list_id": "newsletter", "who": "ana@example.com"}


def _routes(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint in ("static", "health", "openapi"):
            continue
        path = rule.rule
        for arg in rule.arguments:
            path = path.replace(f"<{arg}>", SAMPLE[arg])
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield method, path


@pytest.mark.parametrize("service", ["crm", "email", "notifier"])
def test_every_api_route_refuses_no_key_and_a_wrong_key_with_401_json(vstack, tmp_path, service):
    module = {"crm": crm, "email": email, "notifier": notifier}[service]
    store = Store(tmp_path / f"{service}.db", module.SCHEMA)  # the same app, to list its routes
    try:
        routes = list(_routes(module.create_app(store, "key_other", VirtualClock())))
    finally:
        store.close()
    assert len(routes) >= 3
    url, key = vstack.urls[service], vstack.keys[service]
    for method, path in routes:
        for headers, words in (({}, "needs an API key"), ({"Authorization": "Bearer key_wrong"}, "wrong API key"),
                               ({"X-API-Key": key[:-1]}, "wrong API key"), ({"Authorization": key}, "needs an API key")):
            r = requests.request(method, url + path, headers=headers, json={}, timeout=5)
            assert r.status_code == 401 and r.headers["Content-Type"] == "application/json", (method, path, headers)
            assert words in r.json()["error"] and key not in r.text, (method, path, r.text)
    # the same routes with the key are not 401 (whatever else they answer)
    for method, path in routes:
        r = requests.request(method, url + path, headers={"X-API-Key": key}, json={}, timeout=5)
        assert r.status_code != 401, (method, path, r.text)


# -- the sender refuses private and link-local targets ---------------------------------------------

REFUSED = ["http://10.0.0.1/hook", "http://10.255.255.255/", "http://172.16.0.1/", "http://172.31.255.254/",
           "http://192.168.0.1/", "http://192.168.255.254:8080/x", "http://169.254.169.254/latest/meta-data/",
           "http://169.254.1.1/", "http://[fe80::1]/", "http://[fe80::fc:ff:fe00:1]:8080/", "http://[fd00::1]/",
           "http://[::ffff:10.0.0.1]/", "http://[::ffff:169.254.169.254]/", "http://0.0.0.0/", "http://224.0.0.1/",
           "https://10.1.2.3/", "http://100.64.0.1/", "http://100.127.255.254/"]
ALLOWED = ["http://127.0.0.1:9/", "http://127.8.9.10/", "http://[::1]:9/", "http://localhost:9/",
           "http://172.15.255.255/", "http://172.32.0.1/", "http://192.169.0.1/", "http://8.8.8.8/",
           "https://9.255.255.255/", "http://100.63.255.255/", "http://100.128.0.1/"]


@pytest.mark.parametrize("url", REFUSED)
def test_the_sender_refuses_private_and_link_local_targets_and_says_why(vstack, url):
    with pytest.raises(hooklab.ConfigError) as caught:
        vstack.subscribe(url)
    message = str(caught.value)
    assert "private or link-local" in message and "SSRF" in message and repr(url) in message
    assert len(vstack.dispatcher.subscriptions()) == 1  # nothing was added


@pytest.mark.parametrize("url", ALLOWED)
def test_loopback_and_public_addresses_pass_the_check(vstack, url):
    vstack.dispatcher.check_url(url)  # no exception: the boundaries of 10/8, 172.16/12, 192.168/16 are exact


def test_a_hostname_that_resolves_to_a_private_address_is_refused(vstack, monkeypatch):
    real = socket.getaddrinfo

    def fake(host, *args, **kwargs):
        if host == "hooks.internal.example":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.20.30.40", 0))]
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", fake)
    with pytest.raises(hooklab.ConfigError, match=r"10\.20\.30\.40 is a private"):
        vstack.subscribe("https://hooks.internal.example/webhooks")


def test_private_targets_pass_only_when_explicitly_allowed(tmp_path):
    clock = VirtualClock()
    store = Store(tmp_path / "dispatcher.db", dispatcher_mod.SCHEMA)
    try:
        strict = dispatcher_mod.Dispatcher(store, clock, Faults([], clock, 1), seed=1)
        allowing = dispatcher_mod.Dispatcher(store, clock, Faults([], clock, 1), seed=1, allow_private=True)
        try:
            assert strict.allow_private is False  # the default
            for url in ("http://10.0.0.1/", "http://169.254.169.254/", "http://[fe80::1]/"):
                with pytest.raises(hooklab.ConfigError, match="SSRF"):
                    strict.check_url(url)
                allowing.check_url(url)
                assert allowing.subscribe(url)["url"] == url
            with pytest.raises(hooklab.ConfigError, match=r"http\(s\)"):
                allowing.check_url("file:///etc/passwd")  # allow_private does not allow other schemes
        finally:
            strict.stop()
            allowing.stop()
    finally:
        store.close()
