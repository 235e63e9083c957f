"""The interactive layer without a browser: the inspector's page and API, replay's guard, the panel."""

from __future__ import annotations

import re
import subprocess
import sys

from pathlib import Path

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
        assert requests.post(url, headers=headers, timeout=10).status_code == 200  # sent at once: virtual clock
    assert vstack.deliveries()["trigger"].tolist() == ["event", "replay", "replay"]


def test_a_replay_from_the_page_is_sent_at_once_on_the_virtual_clock_and_answers(vstack):
    event_id = vstack.fire("order.completed")
    vstack.wait()
    vstack.faults.set("receiver", error_rate=1.0)
    url = f"{vstack.urls['inspector']}/api/events/{event_id}/replay"
    r = requests.post(url, headers={"X-Hooklab-Token": vstack.keys["inspector"]}, timeout=10)
    assert r.status_code == 200 and r.json()["queued"] == 1
    [answer] = r.json()["attempts"]  # its first attempt, answered; the retry it schedules waits for the notebook
    assert (answer["event_id"], answer["status_code"], answer["outcome"]) == (event_id, 503, "retrying")
    assert vstack.dispatcher.status_counts()["retrying"] == 1
    vstack.faults.clear()
    r = requests.post(url, headers={"X-Hooklab-Token": vstack.keys["inspector"]}, timeout=10)
    # the retry waiting hours ahead is brought forward to now (the receiver has the event: it answers 200)
    assert [(a["status_code"], a["outcome"]) for a in r.json()["attempts"]] == [(200, "delivered")]
    assert vstack.dispatcher.status_counts()["retrying"] == 0 and vstack.dispatcher.queue.idle


def test_a_replay_on_the_real_clock_is_queued_for_the_dispatchers_workers(rstack):
    event_id = rstack.fire("order.completed")
    rstack.wait()
    r = requests.post(f"{rstack.urls['inspector']}/api/events/{event_id}/replay",
                      headers={"X-Hooklab-Token": rstack.keys["inspector"]}, timeout=10)
    assert r.status_code == 202 and r.json() == {"id": event_id, "queued": 1}
    rstack.wait()
    assert rstack.deliveries()["trigger"].tolist() == ["event", "replay"]


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
    monkeypatch.delenv("JUPYTERHUB_PUBLIC_URL", raising=False)
    assert vstack.inspector_link() == f"/user/ana/proxy/{port}/"
    monkeypatch.setenv("JUPYTERHUB_PUBLIC_URL", "https://hub.example.edu/user/ana/")  # this server's, set by the hub
    link = vstack.inspector_link()
    assert link == f"https://hub.example.edu/user/ana/proxy/{port}/"
    # a notebook shows a link to click, with the whole address it opens; code gets the string
    assert link._repr_html_() == (f'<a href="{link}" target="_blank" rel="noopener">inspector: {link}</a>')
    assert isinstance(link, str) and link.startswith("https://")


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


def test_the_panels_counters_count_every_failed_attempt_and_agree_with_its_log(vstack):
    vstack.faults.set("receiver", error_rate=1.0)
    vstack.fire("order.completed")
    vstack.advance(60)  # the first attempts fail; retries are scheduled
    vstack.faults.clear()
    vstack.wait()
    panel = vstack.panel(refresh=60)
    rows = vstack.dispatcher.attempt_rows()
    failed = sum(r["outcome"] != "delivered" for r in rows)
    assert failed >= 2 and all(r["status_code"] == 503 for r in rows if r["outcome"] != "delivered")
    assert panel.counts() == {"sent": len(rows), "delivered": 1, "failed": failed, "retrying": 0, "dead": 0}
    assert f"failed {failed}" in panel.summary() and panel.summary().count(" 503 in ") == failed
    panel.close()


def test_a_panel_stops_with_its_stack_and_says_so():
    stack = hooklab.start(seed=1, clock="virtual", language="pt-BR")
    panel = stack.panel(refresh=0.05)
    stack.stop()
    assert not panel._thread.is_alive()
    assert [c.value for c in panel.widget.children] == [
        "<b class='hooklab-stopped'>esta stack está parada — rode a primeira célula de novo</b>"]
    assert panel.summary() == "esta stack está parada — rode a primeira célula de novo"
    with pytest.raises(hooklab.StackError):
        stack.panel()


def test_a_stack_stops_when_its_process_ends(tmp_path):
    # A kernel that shuts down runs atexit: the stack's servers stop and its temporary folder goes.
    script = ("import hooklab, sys\n"
              "stack = hooklab.start(seed=1, clock='virtual')\n"
              "print(stack.data_dir, flush=True)\n")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    data_dir = Path(out.stdout.strip())
    assert data_dir.name.startswith("hooklab-") and not data_dir.exists()
