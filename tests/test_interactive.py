"""The interactive layer without a browser: the inspector's page and API, replay's guard, the panel."""

from __future__ import annotations

import re
import sys

import pytest
import requests

import hooklab


def test_the_inspector_page_is_self_contained_relative_and_locked_down(vstack):
    r = requests.get(vstack.inspector_link(), timeout=10)
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/html")
    csp = r.headers["Content-Security-Policy"]
    assert "frame-ancestors 'self'" in csp and "default-src 'self'" in csp
    page = r.text
    assert vstack.keys["inspector"] not in page  # the console token never reaches the page
    urls = re.findall(r"fetch\(\s*[`\"']([^`\"']+)", page)
    assert urls and all(not u.startswith(("/", "http")) for u in urls), urls  # relative: works behind a proxy
    assert ".innerHTML" not in page and "insertAdjacentHTML" not in page  # textContent only


def test_replay_needs_the_token_or_the_page_itself(vstack):
    event_id = vstack.fire("order.completed")
    vstack.wait()
    url = f"{vstack.urls['inspector']}/api/events/{event_id}/replay"
    attempts = lambda: len(vstack.deliveries())  # noqa: E731
    refused = [
        {},  # a plain cross-site form post
        {"X-Hooklab-Inspector": "replay"},  # no Sec-Fetch-Site: not from a browser's same-origin page
        {"X-Hooklab-Inspector": "replay", "Sec-Fetch-Site": "cross-site"},
        {"X-Hooklab-Token": "key_wrong"},
    ]
    for headers in refused:
        r = requests.post(url, headers=headers, timeout=10)
        assert r.status_code == 403 and "X-Hooklab-Token" in r.json()["error"], headers
    vstack.wait()
    assert attempts() == 1
    for headers in ({"X-Hooklab-Token": vstack.keys["inspector"]},
                    {"X-Hooklab-Inspector": "replay", "Sec-Fetch-Site": "same-origin"}):
        assert requests.post(url, headers=headers, timeout=10).status_code == 202
        vstack.wait()
    assert vstack.deliveries()["trigger"].tolist() == ["event", "replay", "replay"]


def test_the_attempts_api_takes_the_last_n(vstack):
    for _ in range(3):
        vstack.fire("form.submitted")
    vstack.wait()
    api = vstack.urls["inspector"] + "/api/attempts"
    assert [a["attempt_id"] for a in requests.get(api, params={"last": 2}, timeout=10).json()["attempts"]] == [2, 3]
    bad = requests.get(api, params={"last": "-1"}, timeout=10)
    assert bad.status_code == 400 and "last must be" in bad.json()["error"]


def test_the_events_api_fires_one_event_or_an_import_and_names_a_bad_count(vstack):
    api, auth = vstack.urls["inspector"] + "/api/events", {"X-Hooklab-Token": vstack.keys["inspector"]}
    one = requests.post(api, json={"type": "newsletter.subscribed"}, headers=auth, timeout=10)
    assert one.status_code == 201 and one.json()["id"].startswith("msg_")
    many = requests.post(api, json={"type": "newsletter.subscribed", "count": 3}, headers=auth, timeout=10)
    assert many.status_code == 201 and many.json()["count"] == 3 and len(set(many.json()["ids"])) == 3
    for count in (0, "3", True, None, 2.5):
        r = requests.post(api, json={"type": "newsletter.subscribed", "count": count}, headers=auth, timeout=10)
        assert r.status_code == 422 and f"not {count!r}" in r.json()["error"], count
    assert requests.post(api, json={"type": "newsletter.subscribed", "count": 3}, timeout=10).status_code == 403
    vstack.wait()
    assert len(vstack.crm.contacts()) == 4 and vstack.reconcile().empty


def test_the_inspector_link_goes_through_the_proxy_under_jupyterhub(vstack, monkeypatch):
    port = vstack.urls["inspector"].rsplit(":", 1)[1]
    monkeypatch.delenv("JUPYTERHUB_SERVICE_PREFIX", raising=False)
    assert vstack.inspector_link() == f"http://127.0.0.1:{port}/"
    monkeypatch.setenv("JUPYTERHUB_SERVICE_PREFIX", "/user/ana/")
    assert vstack.inspector_link() == f"/user/ana/proxy/{port}/"


def test_the_panel_fires_counts_logs_and_sets_faults(vstack):
    panel = vstack.panel(refresh=0.05)
    buttons = {b.description: b for b in panel.widget.children[1].children}
    assert set(buttons) == set(hooklab.catalog.EVENT_TYPES)
    buttons["order.completed"].click()
    assert panel.counts() == {"sent": 1, "delivered": 1, "failed": 0, "retrying": 0, "dead": 0}
    assert panel._log.value.count("hooklab-log-row") == 1 and "order.completed" in panel._log.value
    receiver_row = panel.widget.children[3]
    latency, errors, outage = receiver_row.children[1:]
    errors.value = 1.0
    outage.value = True
    assert vstack.faults.policy("receiver").error_rate == 1.0 and vstack.faults.policy("receiver").outage
    assert "receiver error_rate=1.0, outage=on" in panel.summary()
    outage.value = False
    errors.value = 0.0
    assert not vstack.faults.policy("receiver").active
    panel.close()
    assert not panel._thread.is_alive()


def test_the_panel_is_text_where_widgets_cannot_show(vstack, monkeypatch):
    monkeypatch.setitem(sys.modules, "ipywidgets", None)  # as if ipywidgets were not installed
    vstack.fire("newsletter.subscribed")
    vstack.wait()
    panel = vstack.panel()
    assert panel.widget is None
    text = panel._repr_mimebundle_()["text/plain"]
    assert "deliveries: sent 1 · delivered 1" in text and "newsletter.subscribed try 1: 202" in text
    assert repr(panel) == text


def test_a_panel_stops_with_its_stack():
    stack = hooklab.start(seed=1, clock="virtual")
    panel = stack.panel(refresh=0.05)
    stack.stop()
    assert not panel._thread.is_alive()
    with pytest.raises(hooklab.StackError):
        stack.panel()
