package io.visionhub.context;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.hazelcast.core.EntryEvent;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;
import io.visionhub.event.EventJson;
import io.visionhub.event.ProductionContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Production context per line, shared through a Hazelcast map (line -> {@link ContextTimeline} JSON) and read
 * from a local index kept current by a map listener, so the per-frame lookup never touches Hazelcast.
 * Pushes are checked, serialised per line with the map's lock, logged durably, then applied.
 */
public class ProductionContextStore implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ProductionContextStore.class);
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9._:/\\- ]{1,128}");

    /** Largest version accepted: 2^53 - 1, the largest integer a JSON number keeps exactly in every client. */
    public static final long MAX_VERSION = 9_007_199_254_740_991L;

    /**
     * Per line: validFrom (epoch nanos would overflow; seconds+nanos via Instant) and contexts, ascending; epoch
     * counts the line's resets (a newer epoch wins over any version of an older one).
     */
    private record LineIndex(long epoch, long latestVersion, Instant[] from, ProductionContext[] contexts) {
        static LineIndex of(ContextTimeline t) {
            List<ProductionContext> v = t.versions();
            ProductionContext latest = t.latest();
            return new LineIndex(
                    t.epoch(),
                    latest == null ? -1 : latest.version(),
                    v.stream().map(ProductionContext::validFrom).toArray(Instant[]::new),
                    v.toArray(ProductionContext[]::new));
        }

        boolean newerOrSame(LineIndex other) {
            return epoch != other.epoch ? epoch > other.epoch : latestVersion >= other.latestVersion;
        }
    }

    /**
     * What a reset did.
     *
     * @param line      the line
     * @param epoch     the line's new epoch (versions count from 1 again)
     * @param resetAt   when; events captured from then on get no context until the next push
     * @param principal who reset it
     * @param reason    why
     * @param discarded the newest version before the reset, or null when the line had none
     */
    public record ContextReset(
            String line, long epoch, Instant resetAt, String principal, String reason, ProductionContext discarded) {}

    private final IMap<String, String> map;
    private final ContextHistoryLog log;
    private final Set<String> lines;
    private final int historyLimit;
    private final Duration maxAge;
    private final Clock clock;
    private final Duration maxClockSkew;
    private final long maxVersionStep;
    private final Map<String, LineIndex> local = new ConcurrentHashMap<>();
    private UUID listener;

    public ProductionContextStore(
            IMap<String, String> map,
            ContextHistoryLog log,
            List<String> lines,
            int historyLimit,
            Duration maxAge,
            Clock clock) {
        this(
                map,
                log,
                lines,
                historyLimit,
                maxAge,
                clock,
                ContextProperties.DEFAULT_MAX_CLOCK_SKEW,
                ContextProperties.DEFAULT_MAX_VERSION_STEP);
    }

    /**
     * @param maxClockSkew   a push whose validFrom is further ahead of this hub's clock is refused (400)
     * @param maxVersionStep a push whose version is more than this above the stored one is refused (400)
     */
    public ProductionContextStore(
            IMap<String, String> map,
            ContextHistoryLog log,
            List<String> lines,
            int historyLimit,
            Duration maxAge,
            Clock clock,
            Duration maxClockSkew,
            long maxVersionStep) {
        this.maxClockSkew = maxClockSkew;
        this.maxVersionStep = maxVersionStep;
        this.map = map;
        this.log = log;
        this.lines = Set.copyOf(lines);
        this.historyLimit = historyLimit;
        this.maxAge = maxAge;
        this.clock = clock;
    }

    /** Loads the shared map (restoring it from the history log when it is empty) and starts listening. */
    public void start() {
        listener = map.addEntryListener(new Listener(), true);
        if (map.isEmpty() && log != null) {
            restore();
        }
        map.forEach((line, json) -> index(line, json));
        LOG.info(
                "production context: {} line(s) with context {}; known lines {}",
                local.size(),
                local.keySet(),
                lines.isEmpty() ? "any" : lines);
    }

    /**
     * Cluster: after a split brain healed (Hazelcast MERGED) the shared map may have lost versions that one side
     * acknowledged; the history table holds every acknowledged push (written before the map), so each line's newest
     * stored version is put back into the map where the map's is older. Also safe to call at any time.
     */
    public void resyncFromHistory() {
        if (log != null) {
            restore();
        }
        map.forEach((line, json) -> index(line, json));
    }

    private void restore() {
        List<ContextChange> changes = log.latestOfEachLine(historyLimit);
        for (ContextChange c : changes) {
            String line = c.context().line();
            map.lock(line);
            try {
                ContextTimeline t = read(map.get(line), line);
                if (c.epoch() > t.epoch()) {
                    // the newest epoch's rows start with the reset's own row
                    t = new ContextTimeline(line, List.of(), c.epoch());
                } else if (c.epoch() < t.epoch()) {
                    continue;
                }
                ProductionContext latest = t.latest();
                if (latest == null || c.context().version() > latest.version()) {
                    map.set(line, write(t.append(c.context(), historyLimit)));
                }
            } finally {
                map.unlock(line);
            }
        }
        if (!changes.isEmpty()) {
            LOG.info(
                    "production context: restored {} version(s) from the history table into the shared map",
                    changes.size());
        }
    }

    public boolean knowsLine(String line) {
        return lines.isEmpty() || lines.contains(line);
    }

    /** Lines configured, plus those with a context. */
    public Set<String> lines() {
        Set<String> all = new TreeSet<>(lines);
        all.addAll(local.keySet());
        return all;
    }

    /**
     * Checks and applies a pushed context; returns the stored version (version and validFrom filled in).
     *
     * @throws ContextRefusedException when the line is unknown, a field is wrong or the push is stale
     */
    public ProductionContext update(String line, ProductionContext pushed, String source, String principal) {
        checkLine(line);
        if (pushed == null) {
            throw new ContextRefusedException(
                    ContextRefusedException.Reason.INVALID,
                    null,
                    "the body is empty: send " + "the production context as JSON");
        }
        if (pushed.line() != null && !pushed.line().equals(line)) {
            throw new ContextRefusedException(
                    ContextRefusedException.Reason.INVALID,
                    "line",
                    "the body names line '" + pushed.line() + "' but the path names line '" + line + "'");
        }
        if (pushed.productionOrder() == null || pushed.productionOrder().isBlank()) {
            throw new ContextRefusedException(
                    ContextRefusedException.Reason.INVALID, "productionOrder", "productionOrder is required");
        }
        checkName("productionOrder", pushed.productionOrder());
        checkName("product", pushed.product());
        checkName("batch", pushed.batch());
        checkName("shift", pushed.shift());
        checkName("workCentre", pushed.workCentre());
        checkName("operatorStation", pushed.operatorStation());
        checkName("specVersion", pushed.specVersion());
        checkName("inspectionLot", pushed.inspectionLot());
        if (pushed.limits() != null) {
            pushed.limits().forEach((k, v) -> {
                checkName("limits", k);
                if (v != null && v.lsl() != null && v.usl() != null && v.lsl() > v.usl()) {
                    throw new ContextRefusedException(
                            ContextRefusedException.Reason.INVALID,
                            "limits." + k,
                            "limit '" + k + "': lsl " + v.lsl() + " is above usl " + v.usl());
                }
            });
        }
        return apply(line, pushed, source, principal);
    }

    /** Marks the end of production on a line: events captured from {@code at} on get no context. */
    public ProductionContext end(String line, long version, Instant at, String source, String principal) {
        checkLine(line);
        ProductionContext end =
                new ProductionContext(line, null, null, null, null, null, null, null, null, null, version, at);
        return apply(line, end, source, principal);
    }

    private ProductionContext apply(String line, ProductionContext pushed, String source, String principal) {
        if (pushed.version() < 0) {
            throw new ContextRefusedException(
                    ContextRefusedException.Reason.INVALID,
                    "version",
                    "version must be 0 (hub assigns) or a positive number");
        }
        if (pushed.version() > MAX_VERSION) {
            throw new ContextRefusedException(
                    ContextRefusedException.Reason.INVALID,
                    "version",
                    "version " + pushed.version() + " is above the largest accepted version " + MAX_VERSION);
        }
        Instant receivedAt = clock.instant();
        // a validFrom far ahead would hold every later push off as stale until then: refuse what no clock explains
        if (pushed.validFrom() != null
                && maxClockSkew != null
                && pushed.validFrom().isAfter(receivedAt.plus(maxClockSkew))) {
            refuseImplausible(
                    line,
                    "validFrom",
                    "validFrom " + pushed.validFrom() + " is more than " + maxClockSkew
                            + " (visionhub.context.max-clock-skew) ahead of the hub's clock " + receivedAt
                            + "; send the time the context takes effect (check the sender's clock)",
                    source,
                    principal);
        }
        map.lock(line);
        try {
            ContextTimeline timeline = read(map.get(line), line);
            ProductionContext latest = timeline.latest();
            long version = pushed.version();
            Instant validFrom = pushed.validFrom() == null ? receivedAt : pushed.validFrom();
            if (latest != null) {
                // a reset's marker (version 0) lets the first version of the new epoch be any number
                if (version != 0
                        && latest.version() > 0
                        && maxVersionStep > 0
                        && version - latest.version() > maxVersionStep) {
                    refuseImplausible(
                            line,
                            "version",
                            "version " + version + " is more than " + maxVersionStep
                                    + " (visionhub.context.max-version-step) above the stored version "
                                    + latest.version()
                                    + " of line " + line + "; a jump that large would refuse every later push as stale",
                            source,
                            principal);
                }
                if (version != 0 && version <= latest.version()) {
                    refuseStale(
                            line,
                            "version",
                            "version " + version + " is not newer than the stored version " + latest.version()
                                    + " of line " + line,
                            source,
                            principal);
                }
                if (!validFrom.isAfter(latest.validFrom())) {
                    refuseStale(
                            line,
                            "validFrom",
                            "validFrom " + validFrom + " is not after " + latest.validFrom()
                                    + ", when the stored version " + latest.version() + " of line " + line
                                    + " took effect",
                            source,
                            principal);
                }
                if (version == 0) {
                    version = latest.version() + 1;
                }
            } else if (version == 0) {
                version = 1;
            }
            ProductionContext stored = new ProductionContext(
                    line,
                    pushed.productionOrder(),
                    pushed.product(),
                    pushed.specVersion(),
                    pushed.limits(),
                    pushed.batch(),
                    pushed.workCentre(),
                    pushed.shift(),
                    pushed.operatorStation(),
                    pushed.inspectionLot(),
                    version,
                    validFrom);
            if (log != null) {
                log.record(new ContextChange(stored, receivedAt, source, principal, timeline.epoch(), null));
            }
            ContextTimeline next = timeline.append(stored, historyLimit);
            String json = write(next);
            map.set(line, json);
            local.put(line, LineIndex.of(next));
            LOG.info(
                    "production context of line {} is now version {} from {}: order {}, batch {}, product {} ({} by {})",
                    line,
                    version,
                    validFrom,
                    stored.productionOrder(),
                    stored.batch(),
                    stored.product(),
                    source,
                    principal);
            return stored;
        } finally {
            map.unlock(line);
        }
    }

    private void refuseImplausible(String line, String field, String message, String source, String principal) {
        LOG.warn(
                "refused an implausible production context push for line {} from {} ({}): {}; nothing applied",
                line,
                principal,
                source,
                message);
        throw new ContextRefusedException(ContextRefusedException.Reason.INVALID, field, message);
    }

    /**
     * Starts the context of a line afresh: a person's decision (rule 7), recorded in the history table as a row with
     * source RESET, who and why, before it takes effect. The line gets a new epoch whose only version is an end marker
     * (version 0, validFrom now): events captured from now on get no context until the next push, which may carry
     * any version from 1 and any validFrom after now. Versions of earlier epochs stay in the history.
     *
     * @throws ContextRefusedException when the line is unknown or the reason is missing
     */
    public ContextReset reset(String line, String reason, String principal) {
        checkLine(line);
        if (reason == null || reason.isBlank() || reason.length() > 1000) {
            throw new ContextRefusedException(
                    ContextRefusedException.Reason.INVALID,
                    "reason",
                    "reason is required (1-1000 characters): say why the line's context is reset");
        }
        Instant at = clock.instant();
        map.lock(line);
        try {
            ContextTimeline timeline = read(map.get(line), line);
            ProductionContext discarded = timeline.latest();
            long epoch = timeline.epoch() + 1;
            ProductionContext marker =
                    new ProductionContext(line, null, null, null, null, null, null, null, null, null, 0, at);
            if (log != null) {
                log.record(new ContextChange(marker, at, ContextChange.RESET, principal, epoch, reason.strip()));
            }
            ContextTimeline next = new ContextTimeline(line, List.of(marker), epoch);
            map.set(line, write(next));
            local.put(line, LineIndex.of(next));
            LOG.warn(
                    "production context of line {} reset by {} (epoch {}): {}; discarded version {} from {}. Events "
                            + "get no context until the next push",
                    line,
                    principal,
                    epoch,
                    reason.strip(),
                    discarded == null ? "none" : discarded.version(),
                    discarded == null ? "-" : discarded.validFrom());
            return new ContextReset(line, epoch, at, principal, reason.strip(), discarded);
        } finally {
            map.unlock(line);
        }
    }

    private void refuseStale(String line, String field, String message, String source, String principal) {
        LOG.warn(
                "refused a stale production context push for line {} from {} ({}): {}; nothing applied. "
                        + "The sender must push a newer version",
                line,
                principal,
                source,
                message);
        throw new ContextRefusedException(ContextRefusedException.Reason.STALE, field, message);
    }

    private void checkLine(String line) {
        if (line == null || !NAME.matcher(line).matches()) {
            throw new ContextRefusedException(
                    ContextRefusedException.Reason.INVALID,
                    "line",
                    "line must be 1-128 letters, digits or . _ - : / (got '" + line + "')");
        }
        if (!knowsLine(line)) {
            throw new ContextRefusedException(
                    ContextRefusedException.Reason.UNKNOWN_LINE,
                    "line",
                    "line '" + line + "' is not configured (visionhub.context.lines: " + lines + ")");
        }
    }

    private static void checkName(String field, String value) {
        if (value != null && !NAME.matcher(value).matches()) {
            throw new ContextRefusedException(
                    ContextRefusedException.Reason.INVALID,
                    field,
                    field + " must be 1-128 letters, digits, spaces or . _ - : /");
        }
    }

    /**
     * The context that applied on a line at an instant (the newest version with validFrom at or before it),
     * or null when there is none, production had ended, or it is older than maxAge.
     */
    public ProductionContext at(String line, Instant time) {
        LineIndex index = local.get(line);
        if (index == null || time == null) {
            return null;
        }
        int i = Arrays.binarySearch(index.from(), time);
        int pos = i >= 0 ? i : -i - 2;
        if (pos < 0) {
            return null;
        }
        ProductionContext c = index.contexts()[pos];
        if (ContextTimeline.isEnd(c)) {
            return null;
        }
        if (maxAge != null && c.validFrom().plus(maxAge).isBefore(time)) {
            return null;
        }
        return c;
    }

    /** The newest version of a line (null: none; productionOrder null: production ended). */
    public Optional<ProductionContext> latest(String line) {
        LineIndex index = local.get(line);
        return index == null || index.contexts().length == 0
                ? Optional.empty()
                : Optional.of(index.contexts()[index.contexts().length - 1]);
    }

    /** Versions of a line held in the shared map, newest first. */
    public List<ProductionContext> recent(String line) {
        LineIndex index = local.get(line);
        if (index == null) {
            return List.of();
        }
        List<ProductionContext> l = new ArrayList<>(Arrays.asList(index.contexts()));
        Collections.reverse(l);
        return l;
    }

    public ContextHistoryLog historyLog() {
        return log;
    }

    private void index(String line, String json) {
        ContextTimeline t = read(json, line);
        LineIndex next = LineIndex.of(t);
        local.merge(line, next, (old, neu) -> neu.newerOrSame(old) ? neu : old);
    }

    static ContextTimeline read(String json, String line) {
        if (json == null) {
            return new ContextTimeline(line, List.of());
        }
        try {
            return EventJson.mapper().readValue(json, ContextTimeline.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(
                    "context of line " + line + " in the shared map is not readable: " + e.getOriginalMessage(), e);
        }
    }

    static String write(ContextTimeline t) {
        try {
            return EventJson.mapper().writeValueAsString(t);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        if (listener != null) {
            try {
                map.removeEntryListener(listener);
            } catch (RuntimeException e) {
                LOG.debug("context map listener not removed (Hazelcast already stopped): {}", e.toString());
            }
        }
    }

    /** Keeps the local index current with changes made by this and other members. */
    private final class Listener implements EntryAddedListener<String, String>, EntryUpdatedListener<String, String> {
        @Override
        public void entryAdded(EntryEvent<String, String> event) {
            index(event.getKey(), event.getValue());
        }

        @Override
        public void entryUpdated(EntryEvent<String, String> event) {
            index(event.getKey(), event.getValue());
        }
    }
}
