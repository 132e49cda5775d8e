package io.itdr.core.rules.sigma;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What correlation rules remember: per correlation, per group (the values of its group-by fields),
 * the recent matches of its referred rules. Groups are keyed by record fields, not by identity
 * (a correlation may group by source address or account), so this state belongs to the detector,
 * not to an identity's state.
 *
 * <p>Bounded: at most {@value #MAX_GROUPS} groups per correlation (least recently matched
 * forgotten first) and {@value #MAX_HITS_PER_GROUP} matches per group (oldest dropped); matches
 * older than the timespan are dropped as events arrive. A correlation whose condition needs more
 * matches than a group holds is refused at load. Not thread-safe: the detection engine serialises.
 */
final class CorrelationState {
    static final int MAX_HITS_PER_GROUP = 1024;
    static final int MAX_GROUPS = 10_000;
    /** Event ids a correlation finding cites at most (the latest of its window). */
    static final int MAX_EVIDENCE = 64;

    /**
     * One match of a referred rule: when, the events it stands for (the event; for a referred
     * correlation, the events of its window), which rule (index in the correlation's rules),
     * value_count's value.
     */
    private record Hit(Instant time, List<String> eventIds, int rule, String value) {
    }

    private static final class Group {
        final ArrayDeque<Hit> hits = new ArrayDeque<>();
        Instant reported;
    }

    /** What one event did to a correlation. */
    enum Result { NONE, HOLDS_NEW, HOLDS_AGAIN }

    /**
     * @param result   whether the correlation holds after this event, and whether it is news for its group
     * @param evidence the event ids of the group's window (at most {@value #MAX_EVIDENCE}, the latest, oldest first) when it holds
     * @param group    the group's values, as "field=value" joined by ", "
     * @param count    the count the condition judged
     */
    record Outcome(Result result, List<String> evidence, String group, long count) {
        static final Outcome NONE = new Outcome(Result.NONE, List.of(), "", 0);
    }

    private final Map<String, LinkedHashMap<String, Group>> groups = new HashMap<>();

    /** Groups held for a correlation; for tests of the bounds. */
    int groups(String correlationId) {
        Map<String, Group> g = groups.get(correlationId);
        return g == null ? 0 : g.size();
    }

    /** Matches held in one correlation's groups, at most; for tests of the bounds. */
    int largestGroup(String correlationId) {
        Map<String, Group> g = groups.get(correlationId);
        return g == null ? 0 : g.values().stream().mapToInt(x -> x.hits.size()).max().orElse(0);
    }

    /**
     * Records that the event matched the referred rules at {@code matched} (indices into
     * {@code c.rules()}, each with the events the match stands for) and judges each group it falls in.
     */
    Outcome observe(SigmaCorrelation c, Map<Integer, List<String>> matched, Instant now, RecordView view) {
        Outcome best = Outcome.NONE;
        for (Map.Entry<Integer, List<String>> m : matched.entrySet()) {
            int rule = m.getKey();
            String ref = c.refs().get(rule);
            StringBuilder key = new StringBuilder();
            for (String g : c.groupBy()) {
                if (key.length() > 0) {
                    key.append(", ");
                }
                key.append(g).append('=').append(value(view, c.field(g, ref)));
            }
            String value = null;
            if (c.type() == SigmaCorrelation.Type.VALUE_COUNT) {
                StringBuilder v = new StringBuilder();
                for (String f : c.condition().fields()) {
                    String one = value(view, c.field(f, ref));
                    if (one == null) {
                        v = null;
                        break;
                    }
                    v.append(one).append('\u0000');
                }
                value = v == null ? null : v.toString();
            }
            Outcome o = judge(c, key.toString(), new Hit(now, List.copyOf(m.getValue()), rule, value));
            if (o.result().ordinal() > best.result().ordinal()) {
                best = o;
            }
        }
        return best;
    }

    private Outcome judge(SigmaCorrelation c, String key, Hit hit) {
        LinkedHashMap<String, Group> byKey = groups.computeIfAbsent(c.id(), k -> new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Group> eldest) {
                return size() > MAX_GROUPS;
            }
        });
        Group g = byKey.computeIfAbsent(key, k -> new Group());
        Instant from = hit.time().minus(c.timespan());
        while (!g.hits.isEmpty() && g.hits.peekFirst().time().isBefore(from)) {
            g.hits.removeFirst();
        }
        if (g.hits.size() >= MAX_HITS_PER_GROUP) {
            g.hits.removeFirst();
        }
        g.hits.addLast(hit);
        List<Hit> window = new ArrayList<>(g.hits.size());
        for (Hit h : g.hits) {
            if (!h.time().isBefore(from) && !h.time().isAfter(hit.time())) {
                window.add(h);
            }
        }
        long count = count(c, window);
        if (!c.condition().holds(count)) {
            return new Outcome(Result.NONE, List.of(), key, count);
        }
        List<String> evidence = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = window.size() - 1; i >= 0 && evidence.size() < MAX_EVIDENCE; i--) {
            List<String> ids = window.get(i).eventIds();
            for (int j = ids.size() - 1; j >= 0 && evidence.size() < MAX_EVIDENCE; j--) {
                if (seen.add(ids.get(j))) {
                    evidence.add(ids.get(j));
                }
            }
        }
        java.util.Collections.reverse(evidence);
        if (g.reported != null && !hit.time().isBefore(g.reported) && hit.time().isBefore(g.reported.plus(c.timespan()))) {
            return new Outcome(Result.HOLDS_AGAIN, evidence, key, count);
        }
        g.reported = hit.time();
        return new Outcome(Result.HOLDS_NEW, evidence, key, count);
    }

    private static long count(SigmaCorrelation c, List<Hit> window) {
        switch (c.type()) {
            case EVENT_COUNT:
                return window.size();
            case VALUE_COUNT: {
                Set<String> values = new HashSet<>();
                window.forEach(h -> {
                    if (h.value() != null) {
                        values.add(h.value());
                    }
                });
                return values.size();
            }
            case TEMPORAL: {
                Set<Integer> rules = new HashSet<>();
                window.forEach(h -> rules.add(h.rule()));
                return rules.size();
            }
            default: { // temporal_ordered: the longest run of the rules, in their order, within the window
                List<Hit> byTime = new ArrayList<>(window);
                byTime.sort((a, b) -> a.time().compareTo(b.time()));
                int next = 0;
                for (Iterator<Hit> it = byTime.iterator(); it.hasNext() && next < c.rules().size(); ) {
                    if (it.next().rule() == next) {
                        next++;
                    }
                }
                return next;
            }
        }
    }

    /** The first value of a field as text; null when the record has none (or only JSON null). */
    private static String value(RecordView view, String field) {
        List<JsonNode> values = view.values(field);
        for (JsonNode v : values) {
            if (v != null && !v.isNull()) {
                return RecordView.text(v);
            }
        }
        return null;
    }
}
