"""The load run's users (`make load`, benchmarks/load.py): residents filing on QR pages, grid workers filing from
their phone form, street staff paging the queue, Open311 clients posting and reading. The data they use (compound
tokens, logins, the Open311 key) comes from the JSON file named by CAPILLARY_LOAD_DATA, which load.py writes.

Every filing is named "file: …"; load.py compares the filings accepted (302 to the tracking page / the form, 200
with a service_request_id) with the orders in the database afterwards. Every other answer is a failure: a 4xx or
5xx, a redirect to the sign-in page, a page without its form, an Open311 answer that is not the documented JSON.
A 429 (a rate limit doing its job: at most 5 QR filings per compound and address in 10 minutes) is not an error;
it is counted apart in `refused`, and load.py reports it beside the errors."""

from __future__ import annotations

import itertools
import json
import os
import random
import re
from collections import Counter

from locust import HttpUser, between, events, task

DATA = json.loads(open(os.environ["CAPILLARY_LOAD_DATA"], encoding="utf-8").read())  # noqa: SIM115
TOKEN_RE = re.compile(r'name="form_token" value="([0-9a-f]{32})"')
CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
OPTION_RE = re.compile(r'<option value="(\d+)"')
PER_COMPOUND = 4  # below the QR page's limit of 5 per compound and address
_slots = itertools.cycle(range(len(DATA["compounds"]) * PER_COMPOUND))
_numbers = itertools.count(1)
REFUSED: Counter = Counter()
ACCEPTED: Counter = Counter()


def form_fields(html: str) -> dict:
    fields = {}
    if match := CSRF_RE.search(html):
        fields["csrfmiddlewaretoken"] = match.group(1)
    if match := TOKEN_RE.search(html):
        fields["form_token"] = match.group(1)
    return fields


class Resident(HttpUser):
    """码上反馈: scan, read the page, file (with the page's one-time token)."""

    weight = 6
    wait_time = between(2, 6)

    @task
    def file_on_the_qr_page(self):
        slot = next(_slots)
        token = DATA["compounds"][slot // PER_COMPOUND]
        with self.client.get(f"/q/{token}/report/", name="page: qr", catch_response=True) as page:
            if page.status_code != 200 or "form_token" not in page.text:
                page.failure(f"qr page: {page.status_code}")  # counted, and nothing to post
                return
            page.success()
        n = next(_numbers)
        body = {
            **form_fields(page.text),
            "category": DATA["category"],
            "description": f"LOAD {n}：{n % 30 + 1}号楼楼道堆满纸箱和旧家具，堵住了消防通道",
            "reporter_phone": f"139{n:08d}",
        }
        with self.client.post(
            f"/q/{token}/report/", data=body, name="file: qr", allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code == 302 and "/track/" in response.headers.get("Location", ""):
                ACCEPTED["qr"] += 1
                response.success()
            elif response.status_code == 429:
                REFUSED["qr"] += 1
                response.success()
            else:
                response.failure(f"{response.status_code}")


class _SignedIn(HttpUser):
    abstract = True
    usernames: list[str] = []

    def on_start(self):
        self.username = random.choice(self.usernames)
        page = self.client.get("/accounts/login/", name="page: login")
        body = {**form_fields(page.text), "username": self.username, "password": DATA["password"]}
        with self.client.post(
            "/accounts/login/", data=body, name="login", allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 302:
                response.failure(f"login {self.username}: {response.status_code}")


class GridWorker(_SignedIn):
    """格格发现 from the phone form."""

    weight = 2
    wait_time = between(3, 8)
    usernames = DATA["grid_workers"]

    @task
    def file_what_they_found(self):
        with self.client.get("/intake/grid/", name="page: grid form", catch_response=True) as page:
            compounds = OPTION_RE.findall(page.text.split('name="category"')[0])
            if page.status_code != 200 or not compounds or "form_token" not in page.text:
                # a sign-in page (followed redirect) or a form without compounds or token: counted, not skipped
                page.failure(f"grid form: {page.status_code}, {len(compounds)} compounds")
                return
            page.success()
        n = next(_numbers)
        body = {
            **form_fields(page.text),
            "compound": random.choice(compounds),
            "category": DATA["category"],
            "description": f"LOAD {n}：巡查发现{n % 20 + 1}号楼井盖松动",
        }
        with self.client.post(
            "/intake/grid/", data=body, name="file: grid", allow_redirects=False, catch_response=True
        ) as response:
            # Filed: back to the empty form (a replay lands on the order's page). A redirect to the sign-in page is
            # a lost session, not a filing.
            if response.status_code == 302 and response.headers.get("Location", "").startswith("/intake/grid/"):
                ACCEPTED["grid"] += 1
                response.success()
            else:
                response.failure(f"{response.status_code} {response.headers.get('Location', '')}")


class StreetStaff(_SignedIn):
    """The street's queue, paged and filtered."""

    weight = 2
    wait_time = between(1, 4)
    usernames = DATA["street_staff"]

    def _queue(self, url: str, name: str):
        with self.client.get(url, name=name, catch_response=True) as page:
            if page.status_code != 200 or "/accounts/login/" in page.url:  # a lost session lands on the sign-in page
                page.failure(f"{page.status_code} {page.url}")
            else:
                page.success()

    @task(3)
    def page_the_queue(self):
        self._queue(f"/workorders/?page={random.randint(1, 3)}", "page: queue")

    @task(1)
    def filter_the_queue(self):
        self._queue("/workorders/?state=submitted", "page: queue filtered")


class Open311Client(HttpUser):
    """An Open311 client posting requests and reading the list back."""

    weight = 1
    wait_time = between(2, 5)

    @task(2)
    def post_a_request(self):
        n = next(_numbers)
        body = {
            "api_key": DATA["open311_key"],
            "jurisdiction_id": DATA["jurisdiction"],
            "service_code": DATA["service_code"],
            "attribute[compound_code]": random.choice(DATA["compound_codes"]),
            "description": f"LOAD {n}：东门路灯不亮（第 {n} 次反映）",
        }
        with self.client.post(
            "/open311/v2/requests.json", data=body, name="file: open311", catch_response=True
        ) as response:
            try:
                filed = response.status_code == 200 and response.json()[0].get("service_request_id")
            except (ValueError, IndexError, KeyError, AttributeError):  # not the documented answer: a failure
                filed = False
            if filed:
                ACCEPTED["open311"] += 1
                response.success()
            elif response.status_code == 429:
                REFUSED["open311"] += 1
                response.success()
            else:
                response.failure(f"{response.status_code} {response.text[:200]}")

    @task(3)
    def read_requests(self):
        self.client.get(
            "/open311/v2/requests.json",
            params={"jurisdiction_id": DATA["jurisdiction"], "api_key": DATA["open311_key"]},
            name="read: open311 requests",
        )


@events.quitting.add_listener
def _write_counts(environment, **_):
    path = os.environ.get("CAPILLARY_LOAD_COUNTS")
    if path:
        with open(path, "w", encoding="utf-8") as handle:
            json.dump({"accepted": dict(ACCEPTED), "refused": dict(REFUSED)}, handle)
