"""The embedded broker (config/broker.py: kombu's filesystem transport, fixed): what a worker on a machine without
Redis relies on under load (issue 11) — a message is taken whole and once, and a busy worker looks again at once."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from kombu import Connection, Exchange, Queue
from kombu.transport import virtual
from kombu.transport.virtual import Empty

from config import broker, embedded

ROUTING = Queue("routing", Exchange("routing", type="direct"), routing_key="routing")


@pytest.fixture(autouse=True)
def fresh_broker_state(monkeypatch):
    """kombu keeps the declared bindings per process, not per folder: each test's folder starts unbound."""
    monkeypatch.setattr(broker.Transport, "global_state", virtual.BrokerState())


def connect(folder):
    options = embedded.celery_filesystem_transport(folder)
    return Connection(
        options["broker_url"],
        transport=options["broker_transport"],
        transport_options=options["broker_transport_options"],
    )


def publish(connection, bodies):
    with connection.Producer(serializer="json") as producer:
        for body in bodies:
            producer.publish(body, exchange=ROUTING.exchange, routing_key="routing", declare=[ROUTING])


def test_the_embedded_settings_use_the_fixed_transport(settings, tmp_path):
    from config.celery import app

    if settings.CELERY_BROKER_URL.startswith("filesystem"):  # this run has no REDIS_URL
        with app.connection_for_write() as connection:
            assert isinstance(connection.transport, broker.Transport)
    with connect(tmp_path) as connection:
        assert isinstance(connection.transport, broker.Transport)


def test_a_message_being_written_is_not_taken_half_written(tmp_path, monkeypatch):
    """kombu's own transport created the message file empty and wrote it afterwards; a consumer that looked in
    between read nothing, failed to decode it, and the message was gone."""
    producer_side, consumer_side = connect(tmp_path), connect(tmp_path)
    consumer = consumer_side.default_channel
    consumer.queue_declare("routing")
    seen_mid_write = []
    real = broker.str_to_bytes

    def write_slowly(text):
        try:  # the producer is between opening its file and writing it: the consumer looks now
            seen_mid_write.append(consumer._get("routing"))
        except Empty:
            seen_mid_write.append(None)
        return real(text)

    monkeypatch.setattr(broker, "str_to_bytes", write_slowly)
    publish(producer_side, [{"order": 1}])
    monkeypatch.undo()

    assert seen_mid_write == [None]
    message = consumer._get("routing")
    assert consumer.Message(message, channel=consumer).decode() == {"order": 1}
    with pytest.raises(Empty):
        consumer._get("routing")
    assert [path.name for path in (tmp_path / "queue").iterdir()] == []


def test_two_workers_and_four_producers_deliver_every_message_exactly_once(tmp_path):
    """Two consumers (two workers on one folder) claim files while four producers write: each message is read by
    exactly one of them, none is read empty."""
    total, received, lock = 400, [], threading.Lock()
    done_producing = threading.Event()

    def produce(start):
        with connect(tmp_path) as connection:
            publish(connection, [{"n": n} for n in range(start, total, 4)])

    def consume():
        with connect(tmp_path) as connection:
            channel = connection.channel()
            channel.queue_declare("routing")
            idle = 0
            while idle < 50:
                try:
                    body = channel.Message(channel._get("routing"), channel=channel).decode()
                except Empty:
                    idle = idle + 1 if done_producing.is_set() else 0
                    threading.Event().wait(0.005)
                    continue
                with lock:
                    received.append(body["n"])

    with connect(tmp_path) as connection:  # the queue declared first, as each process does when it starts
        ROUTING(connection.default_channel).declare()
    with ThreadPoolExecutor(max_workers=6) as pool:
        consumers = [pool.submit(consume) for _ in range(2)]
        producers = [pool.submit(produce, start) for start in range(4)]
        try:
            for future in producers:
                future.result()
        finally:
            done_producing.set()  # a producer that failed fails the test; the consumers still stop
        for future in consumers:
            future.result()

    assert sorted(received) == list(range(total))
    assert list((tmp_path / "queue").iterdir()) == []


def test_a_worker_whose_processes_are_all_busy_looks_again_at_once(tmp_path, monkeypatch):
    """With acks late and one message per pool process, kombu's consumer slept its whole polling interval (1 s)
    every time its prefetch was full: a two-process worker took about two messages a second, however short its
    tasks (make load: hundreds of routing messages waiting behind an idle pool). It waits BUSY_WAIT instead, and
    the polling interval only when the queues are empty."""
    waits = []

    def sleep(seconds):
        waits.append(seconds)
        time.sleep(seconds)

    monkeypatch.setattr(broker, "sleep", sleep)
    producer_side, consumer_side = connect(tmp_path), connect(tmp_path)
    publish(producer_side, [{"n": n} for n in range(3)])
    taken = []
    with consumer_side.Consumer(ROUTING, callbacks=[lambda body, message: taken.append(message)], prefetch_count=1):
        consumer_side.drain_events(timeout=1)  # takes the first message, not yet acknowledged
        assert len(taken) == 1
        with pytest.raises(TimeoutError):
            consumer_side.drain_events(timeout=0.05)  # the prefetch is full: two messages wait
        assert waits and set(waits) == {broker.BUSY_WAIT}
        taken[0].ack()
        waits.clear()
        consumer_side.drain_events(timeout=1)
        assert len(taken) == 2 and waits == []  # taken at the first look after the acknowledgement
        taken[1].ack()
        consumer_side.drain_events(timeout=1)
        taken[2].ack()
        waits.clear()
        with pytest.raises(TimeoutError):
            consumer_side.drain_events(timeout=0.5)  # nothing left: the idle wait
        assert waits and set(waits) == {broker.IDLE_WAIT}
