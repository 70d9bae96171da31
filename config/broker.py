"""The embedded broker: kombu's filesystem transport, fixed for a worker under load (issue 11).

When no REDIS_URL is set (`make demo`, the tests, `make load` on a fresh checkout) the broker is a folder of
message files (config/embedded.py). kombu's own filesystem transport (5.7) has four faults that show under load,
each fixed here in a subclass that keeps its folders, file names and options:

- Its consumer sleeps a whole `polling_interval` (1 s) whenever it may not take a message — also when the queues
  are full but the worker's prefetch is (acks late, one message per pool process). A worker of two processes
  therefore took about two messages a second however fast its tasks ran: `make load` left hundreds of routing
  messages in the folder behind an idle pool. Here the consumer waits `BUSY_WAIT` while its prefetch is full and
  `polling_interval` (0.2 s) only when the queues are empty.
- A message file is created empty and written afterwards, and the consumer reads whatever file it finds: a
  message taken between the two reads empty (the worker fails to decode it and the message is gone). Here it is
  written under a name no queue matches and renamed into place, whole.
- An exchange's table of bindings is created empty and written afterwards: a process declaring or publishing at
  that moment reads an empty table. Here it is rewritten whole under a lock file and renamed into place.
- The consumer takes a file by moving it to the system's temporary folder, a copy and a delete when that is on
  another filesystem: two workers can both take one message. Here it claims the file by renaming it inside the
  queue folder (atomic: one worker wins), reads it and deletes it.

Use it with `broker_url = "filesystem://"` and `broker_transport = "config.broker:Transport"`.
"""

from __future__ import annotations

import os
import uuid
from time import monotonic, sleep

from kombu.transport import filesystem
from kombu.transport.virtual import Empty
from kombu.utils.encoding import bytes_to_str, str_to_bytes
from kombu.utils.json import dumps, loads

BUSY_WAIT = 0.02  # s: the consumer's wait while every pool process holds a message
IDLE_WAIT = 0.2  # s: its wait when no queue has a message (kombu's default is 1 s)
CLAIMED = ".claimed"  # a message file being read by a consumer (no queue's name ends so)
WRITING = ".writing"  # a message file being written by a producer


class Channel(filesystem.Channel):
    def _queue_bind(self, exchange, routing_key, pattern, queue):
        """Add a binding to the exchange's table under a lock file of its own, the table rewritten whole under a
        temporary name and renamed into place: kombu's created the table file empty before locking it, so a
        process declaring or publishing at that moment read an empty table (a JSON error in its publish)."""
        path = self._exchange_file(exchange)
        self.control_folder.mkdir(exist_ok=True)
        binding = filesystem.exchange_queue_t(routing_key or "", pattern or "", queue or "")
        try:
            with open(f"{path}.lock", "a") as guard:
                filesystem.lock(guard, filesystem.LOCK_EX)
                try:
                    table = self.get_table(exchange)
                    if binding in table:
                        return
                    writing = f"{path}{WRITING}-{os.getpid()}"
                    with open(writing, "wb") as handle:
                        handle.write(dumps([binding, *table]).encode())
                    os.replace(writing, path)
                finally:
                    filesystem.unlock(guard)
        except OSError as exc:
            raise filesystem.ChannelError(f"Cannot open {path}") from exc

    def _put(self, queue, payload, **kwargs):
        """Write the message whole under a temporary name, then rename it into the queue (atomic)."""
        name = f"{round(monotonic() * 1000)}_{uuid.uuid4()}.{queue}.msg"
        path = os.path.join(self.data_folder_out, name)
        writing = path + WRITING
        try:
            with open(writing, "wb") as handle:
                handle.write(str_to_bytes(dumps(payload)))
            os.replace(writing, path)
        except OSError as exc:
            raise filesystem.ChannelError(f"Cannot add file {path!r} to directory") from exc

    def _get(self, queue):
        """Claim the oldest message of `queue` by renaming it inside the folder, read it, delete it."""
        wanted = f"{queue}.msg"
        folder = self.data_folder_in
        for name in sorted(os.listdir(folder)):
            if name.partition(".")[2] != wanted:
                continue
            path = os.path.join(folder, name)
            claimed = f"{path}{CLAIMED}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
            try:
                os.rename(path, claimed)  # another consumer took it first: FileNotFoundError
            except OSError:
                continue
            try:
                with open(claimed, "rb") as handle:
                    payload = handle.read()
                if self.store_processed:
                    os.replace(claimed, os.path.join(self.processed_folder, name))
                else:
                    os.remove(claimed)
            except OSError as exc:
                raise filesystem.ChannelError(f"Cannot read file {claimed!r} from queue.") from exc
            return loads(bytes_to_str(payload))
        raise Empty()


class Transport(filesystem.Transport):
    Channel = Channel
    polling_interval = IDLE_WAIT

    def drain_events(self, connection, timeout=None):
        """kombu's virtual drain loop, waiting briefly while the prefetch is full and longer while idle."""
        started = monotonic()
        while True:
            try:
                self.cycle.get(self._deliver, timeout=timeout)
            except Empty:
                if timeout is not None and monotonic() - started >= timeout:
                    raise TimeoutError() from None
                wait = BUSY_WAIT if self._prefetch_full() else self.polling_interval
                sleep(min(wait, timeout) if timeout else wait)
            else:
                return

    def _prefetch_full(self) -> bool:
        """A consuming channel may take no message until one of its pool processes acknowledges one."""
        return any(channel._consumers and not channel.qos.can_consume() for channel in self.channels)
