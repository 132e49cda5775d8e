package io.itdr.core.replay;

import io.itdr.spi.event.IdentityEvent;
import io.itdr.spi.telemetry.Rejection;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.function.Consumer;

/**
 * Merges several sources' streams by event time, so one replay can read, say, a week of
 * CloudTrail and a week of Okta System Log together: each source is read on its own thread (its
 * files one after the other) into a bounded queue, and the caller's thread always takes the
 * oldest event at the head of the queues. Each source's own stream is expected in rough time
 * order (the reorder window downstream absorbs jitter); rejections pass through as they come.
 * Memory: {@value #CAPACITY} items per source.
 *
 * <p>Used from one thread; the reader threads are its own and end with it.
 */
final class SourceMerge {
    static final int CAPACITY = 4096;

    /** What a source produced: an event with where it was, a rejection, or the end. */
    sealed interface Item permits Event, Rejected, End {
    }

    record Event(IdentityEvent event, String location) implements Item {
    }

    record Rejected(Rejection rejection) implements Item {
    }

    record End(RuntimeException failure) implements Item {
    }

    /** Reads one source, handing items to the sink; runs on the source's thread. */
    interface Reader {
        void read(Consumer<Item> sink);
    }

    private SourceMerge() {
    }

    /** Runs every reader on its own thread and hands the merged stream to {@code out}. */
    static void merge(List<Reader> readers, Consumer<Item> out) {
        List<BlockingQueue<Item>> queues = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < readers.size(); i++) {
            BlockingQueue<Item> queue = new ArrayBlockingQueue<>(CAPACITY);
            Reader reader = readers.get(i);
            Thread t = new Thread(() -> {
                RuntimeException failure = null;
                try {
                    reader.read(item -> put(queue, item));
                } catch (RuntimeException e) {
                    failure = e;
                } finally {
                    put(queue, new End(failure));
                }
            }, "itdr-replay-source-" + i);
            t.setDaemon(true);
            queues.add(queue);
            threads.add(t);
        }
        threads.forEach(Thread::start);
        try {
            Item[] heads = new Item[queues.size()];
            int open = queues.size();
            RuntimeException failure = null;
            while (open > 0) {
                int oldest = -1;
                for (int i = 0; i < heads.length; i++) {
                    if (heads[i] instanceof End) {
                        continue;
                    }
                    while (heads[i] == null || heads[i] instanceof Rejected) {
                        if (heads[i] instanceof Rejected) {
                            out.accept(heads[i]);
                        }
                        heads[i] = take(queues.get(i));
                    }
                    if (heads[i] instanceof End end) {
                        open--;
                        if (end.failure() != null && failure == null) {
                            failure = end.failure();
                        }
                        continue;
                    }
                    if (oldest < 0 || ((Event) heads[i]).event().time().isBefore(((Event) heads[oldest]).event().time())) {
                        oldest = i;
                    }
                }
                if (oldest >= 0) {
                    out.accept(heads[oldest]);
                    heads[oldest] = null;
                }
            }
            if (failure != null) {
                throw failure;
            }
        } finally {
            threads.forEach(Thread::interrupt);
        }
    }

    private static void put(BlockingQueue<Item> queue, Item item) {
        try {
            queue.put(item);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("replay stopped", e);
        }
    }

    private static Item take(BlockingQueue<Item> queue) {
        try {
            return queue.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("replay interrupted", e);
        }
    }
}
