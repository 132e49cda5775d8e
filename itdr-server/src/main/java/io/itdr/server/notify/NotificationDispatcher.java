package io.itdr.server.notify;

import io.itdr.core.audit.LedgerEntry;
import io.itdr.core.normalize.Printable;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes ledger entries as they are written, turns the ones a person must hear about into {@link Notice}s and delivers
 * them on one background thread, to every configured channel, with retries and back-off. The ledger writer only offers
 * to a bounded queue: a slow or failing channel never slows the pipeline; a full queue drops the notice and counts it.
 * Metrics: {@code itdr_notifications_total{channel,outcome=sent|failed}}, {@code itdr_notifications_dropped_total}.
 */
public final class NotificationDispatcher implements Consumer<LedgerEntry>, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NotificationDispatcher.class);

    private final Notices notices;
    private final List<Channel> channels;
    private final NotificationProperties settings;
    private final Clock clock;
    private final Sleeper sleeper;
    private final BlockingQueue<Notice> queue;
    private final MeterRegistry meters;
    private final Counter dropped;
    private final Map<String, ChannelState> states = new ConcurrentHashMap<>();
    private final Thread worker;
    private volatile boolean closed;

    /** How the worker waits between attempts (tests wait for nothing). */
    interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    /** What health shows per channel. */
    public record ChannelState(long sent, long failed, Instant lastSentAt, Instant lastFailureAt, String lastError,
                               int consecutiveFailures) {
        static final ChannelState NEW = new ChannelState(0, 0, null, null, null, 0);
    }

    NotificationDispatcher(Notices notices, List<Channel> channels, NotificationProperties settings, MeterRegistry meters,
                           Clock clock, Sleeper sleeper) {
        this.notices = Objects.requireNonNull(notices, "notices");
        this.channels = List.copyOf(channels);
        this.settings = Objects.requireNonNull(settings, "settings");
        this.meters = Objects.requireNonNull(meters, "meters");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
        this.queue = new ArrayBlockingQueue<>(settings.queue());
        this.dropped = Counter.builder("itdr.notifications.dropped").description("notices dropped because the queue was full")
                .register(meters);
        this.channels.forEach(c -> states.put(c.name(), ChannelState.NEW));
        this.worker = new Thread(this::run, "itdr-notifications");
        this.worker.setDaemon(true);
        if (!this.channels.isEmpty()) {
            this.worker.start();
        }
    }

    /** Called for every ledger entry once it is committed; never blocks. */
    @Override
    public void accept(LedgerEntry entry) {
        if (channels.isEmpty() || closed) {
            return;
        }
        notices.notice(entry).ifPresent(notice -> {
            if (!queue.offer(notice)) {
                dropped.increment();
                LOG.warn("notification queue full ({} waiting): {} not sent", settings.queue(), Printable.escape(notice.title()));
            }
        });
    }

    public Map<String, ChannelState> states() {
        return Map.copyOf(states);
    }

    /** Channel names configured, in delivery order. */
    public List<String> channelNames() {
        return channels.stream().map(Channel::name).toList();
    }

    private void run() {
        while (!closed) {
            Notice notice;
            try {
                notice = queue.poll(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (notice == null) {
                continue;
            }
            for (Channel channel : channels) {
                try {
                    deliver(channel, notice);
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    // a channel's bug must not end the worker: counted and logged like any failure
                    failed(channel, notice, e.getClass().getSimpleName() + ": " + e.getMessage());
                }
            }
        }
    }

    private void deliver(Channel channel, Notice notice) throws InterruptedException {
        Duration wait = settings.backoff();
        for (int attempt = 1; ; attempt++) {
            try {
                channel.send(notice);
                states.compute(channel.name(), (k, s) -> new ChannelState(s.sent() + 1, s.failed(), clock.instant(), s.lastFailureAt(),
                        s.lastError(), 0));
                meters.counter("itdr.notifications", "channel", channel.name(), "outcome", "sent").increment();
                return;
            } catch (Channel.DeliveryException e) {
                if (e.permanent() || attempt >= settings.attempts() || closed) {
                    failed(channel, notice, e.getMessage() + " (attempt " + attempt + " of " + settings.attempts() + ")");
                    return;
                }
                Duration next = e.retryAfter() != null ? e.retryAfter() : wait;
                sleeper.sleep(next.compareTo(settings.maxBackoff()) > 0 ? settings.maxBackoff() : next);
                wait = wait.multipliedBy(2).compareTo(settings.maxBackoff()) > 0 ? settings.maxBackoff() : wait.multipliedBy(2);
            }
        }
    }

    private void failed(Channel channel, Notice notice, String error) {
        String escaped = Printable.escape(error);
        states.compute(channel.name(), (k, s) -> new ChannelState(s.sent(), s.failed() + 1, s.lastSentAt(), clock.instant(), escaped,
                s.consecutiveFailures() + 1));
        meters.counter("itdr.notifications", "channel", channel.name(), "outcome", "failed").increment();
        LOG.warn("notification to {} not delivered: {} ({})", channel.name(), Printable.escape(notice.title()), escaped);
    }

    /** Stops the worker; notices still queued are not delivered (the ledger keeps what happened). */
    @Override
    public void close() {
        closed = true;
        worker.interrupt();
    }
}
