package io.visionhub.vision.challenger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.visionhub.event.InspectionEvent;
import io.visionhub.event.ModelRef;
import io.visionhub.vision.Frame;
import io.visionhub.vision.ImageDecoder;
import io.visionhub.vision.model.ModelHandle;
import io.visionhub.vision.model.ModelVerdict;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A challenger model running beside a station's champion on the same frames, on spare CPU. The champion hands each
 * frame it has inspected to {@link #offer}, which never waits: the challenger has its own executor of one thread and
 * a queue of one frame, and a frame that finds both taken is skipped and counted. The challenger's verdict is
 * compared with the champion's; disagreements are kept (latest {@code keepDisagreements}) with the champion's
 * inspection id and stored image, and the latest {@code keepOutcomes} outcomes are kept for the confusion against
 * dispositions ({@link Confusion}). Nothing the challenger says reaches the line or the ledger.
 */
public final class ChallengerRun implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ChallengerRun.class);

    /**
     * A frame the two models judged differently.
     *
     * @param inspectionId the champion's recorded inspection
     * @param imageSha256  the frame in the image store (null when the station stores no images)
     * @param imageUri     its link
     */
    public record Disagreement(
            String inspectionId,
            String partId,
            Instant captureTime,
            String imageSha256,
            String imageUri,
            InspectionEvent.Verdict championSaid,
            Double championScore,
            InspectionEvent.Verdict challengerSaid,
            Double challengerScore,
            List<String> challengerDefects) {}

    /**
     * What the challenger has done so far.
     *
     * @param offered   frames the champion inspected while this challenger ran
     * @param compared  frames the challenger judged too
     * @param skipped   frames skipped because the challenger was busy (the champion never waits)
     * @param failed    frames the challenger could not judge (lastError says why)
     * @param agreement share of compared frames with the same verdict; null before the first
     */
    public record Stats(
            String station,
            String location,
            ModelRef challenger,
            long offered,
            long compared,
            long agreed,
            long skipped,
            long failed,
            Double agreement,
            String lastError,
            List<Disagreement> disagreements) {}

    private final String station;
    private final String location;
    private final ModelHandle model;
    private final ExecutorService executor;
    private final long maxPixels;
    private final int keepDisagreements;
    private final int keepOutcomes;
    private final double cpuShare;
    private final AtomicLong offered = new AtomicLong();
    private final AtomicLong compared = new AtomicLong();
    private final AtomicLong agreed = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final Deque<Disagreement> disagreements = new ArrayDeque<>();
    private final Map<String, Outcome> outcomes;
    private final Counter skippedMeter;
    private final ChallengerStore store;
    private volatile String lastError;
    private volatile boolean storeWarned;

    /**
     * @param executor one thread, a queue of one, rejecting when full (from Camel's ExecutorServiceManager)
     * @param cpuShare most of one core the challenger may use (1: all it can; 0.5: after judging a frame for t ms it
     *                 rests t ms, frames offered meanwhile are skipped), so that it leaves CPU to the champion
     * @param meters   where the skipped-frame counter goes, or null
     */
    public ChallengerRun(
            String station,
            String location,
            ModelHandle model,
            ExecutorService executor,
            long maxPixels,
            int keepDisagreements,
            int keepOutcomes,
            double cpuShare,
            MeterRegistry meters) {
        this(station, location, model, executor, maxPixels, keepDisagreements, keepOutcomes, cpuShare, meters, null);
    }

    /**
     * @param store where the figures are kept across restarts (those saved for this station and location are
     *              loaded now), or null to keep them in memory only
     */
    public ChallengerRun(
            String station,
            String location,
            ModelHandle model,
            ExecutorService executor,
            long maxPixels,
            int keepDisagreements,
            int keepOutcomes,
            double cpuShare,
            MeterRegistry meters,
            ChallengerStore store) {
        if (cpuShare <= 0 || cpuShare > 1) {
            throw new IllegalArgumentException("challenger CPU share must be within (0, 1], got " + cpuShare);
        }
        this.cpuShare = cpuShare;
        this.station = station;
        this.location = location;
        this.model = model;
        this.executor = executor;
        this.maxPixels = maxPixels;
        this.keepDisagreements = keepDisagreements;
        this.keepOutcomes = keepOutcomes;
        this.outcomes = new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Outcome> eldest) {
                return size() > ChallengerRun.this.keepOutcomes;
            }
        };
        this.skippedMeter = meters == null
                ? null
                : Counter.builder("visionhub.vision.challenger.skipped")
                        .tag("station", station)
                        .description(
                                "Frames the challenger skipped because it was still busy (the champion never waits)")
                        .register(meters);
        this.store = store;
        if (store != null) {
            restore();
        }
    }

    /** Takes up the figures saved before a restart; a store that cannot be read leaves the run empty. */
    private void restore() {
        ChallengerStore.Saved saved;
        try {
            saved = store.load(station, location, keepOutcomes, keepDisagreements);
        } catch (RuntimeException e) {
            LOG.warn(
                    "vision:{}: challenger {}: saved figures not read ({}); starting from none",
                    station,
                    location,
                    e.getMessage());
            return;
        }
        if (saved == null) {
            return;
        }
        ChallengerStore.Counts c = saved.counts();
        offered.set(c.offered());
        compared.set(c.compared());
        agreed.set(c.agreed());
        skipped.set(c.skipped());
        failed.set(c.failed());
        lastError = c.lastError();
        for (Outcome o : saved.outcomes()) {
            outcomes.put(o.inspectionId(), o);
        }
        disagreements.addAll(saved.disagreements());
        LOG.info(
                "vision:{}: challenger {} resumes: {} frames compared, {} agreed, {} outcomes and {} disagreements kept",
                station,
                location,
                c.compared(),
                c.agreed(),
                saved.outcomes().size(),
                saved.disagreements().size());
    }

    private ChallengerStore.Counts counts() {
        return new ChallengerStore.Counts(
                offered.get(), compared.get(), agreed.get(), skipped.get(), failed.get(), lastError);
    }

    private void persist(Runnable write) {
        try {
            write.run();
        } catch (RuntimeException e) {
            // the challenger goes on in memory; its figures since then are lost at the next restart
            if (!storeWarned) {
                storeWarned = true;
                LOG.warn(
                        "vision:{}: challenger {}: figures not saved ({}); kept in memory",
                        station,
                        location,
                        e.getMessage());
            }
        }
    }

    public String location() {
        return location;
    }

    /** Hands a frame the champion has inspected to the challenger; returns at once (skips when busy). */
    public void offer(Frame frame, InspectionEvent champion) {
        offered.incrementAndGet();
        try {
            executor.execute(() -> judge(frame, champion));
        } catch (RejectedExecutionException busy) {
            skipped.incrementAndGet();
            if (skippedMeter != null) {
                skippedMeter.increment();
            }
        }
    }

    private void judge(Frame frame, InspectionEvent champion) {
        long t0 = System.nanoTime();
        try {
            Object[] used = new Object[2];
            model.run(m -> {
                used[0] = m.ref();
                if (frame.image() != null) {
                    used[1] = m.inspect(frame.image());
                } else {
                    // as the champion's step: a JPEG decoded reduced where the challenger resizes it down anyway
                    ImageDecoder.Decoded d = ImageDecoder.decodeFor(frame.encoded(), frame.camera(), maxPixels, m);
                    used[1] = d.inspectWith(m);
                }
                return null;
            });
            record(champion, (ModelRef) used[0], (ModelVerdict) used[1]);
        } catch (RuntimeException e) {
            failed.incrementAndGet();
            lastError = e.getMessage();
            if (store != null) {
                persist(() -> store.saveCounts(station, location, counts()));
            }
            LOG.debug(
                    "vision:{}: challenger {} could not judge inspection {}: {}",
                    station,
                    location,
                    champion.id(),
                    e.getMessage());
        }
    }

    private void record(InspectionEvent champion, ModelRef challenger, ModelVerdict v) {
        Outcome o = new Outcome(champion.id(), champion.model(), champion.result(), challenger, v.result());
        Disagreement d = null;
        ChallengerStore.Counts after;
        synchronized (this) {
            outcomes.put(o.inspectionId(), o);
            if (!o.agree()) {
                d = new Disagreement(
                        champion.id(),
                        champion.partId(),
                        champion.captureTime(),
                        champion.image() == null ? null : champion.image().sha256(),
                        champion.image() == null ? null : champion.image().uri(),
                        champion.result(),
                        champion.anomalyScore(),
                        v.result(),
                        v.anomalyScore(),
                        v.defects().stream()
                                .map(x -> x.defectClass())
                                .distinct()
                                .toList());
                disagreements.addFirst(d);
                while (disagreements.size() > keepDisagreements) {
                    disagreements.removeLast();
                }
            }
            // counted last, under the lock: a reader that sees the count sees the outcome
            if (o.agree()) {
                agreed.incrementAndGet();
            }
            compared.incrementAndGet();
            after = counts();
        }
        if (store != null) {
            // on the challenger's thread, outside the lock: the champion never waits for the database
            Disagreement kept = d;
            persist(() -> store.record(station, location, after, o, kept, keepOutcomes));
        }
    }

    public synchronized Stats stats() {
        long c = compared.get();
        return new Stats(
                station,
                location,
                model.model().ref(),
                offered.get(),
                c,
                agreed.get(),
                skipped.get(),
                failed.get(),
                c == 0 ? null : agreed.get() / (double) c,
                lastError,
                List.copyOf(disagreements));
    }

    /** The kept outcomes (latest {@code keepOutcomes}), oldest first. */
    public synchronized List<Outcome> outcomes() {
        return new ArrayList<>(outcomes.values());
    }

    /** Stops the challenger; its figures stay saved for the next start of the same challenger. */
    @Override
    public void close() {
        executor.shutdownNow();
        if (store != null) {
            persist(() -> store.saveCounts(station, location, counts()));
        }
    }

    /** Stops the challenger and forgets its figures, saved ones included (stopped or replaced by another model). */
    public void discard() {
        executor.shutdownNow();
        if (store != null) {
            try {
                executor.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            persist(() -> store.forget(station, location));
        }
    }
}
