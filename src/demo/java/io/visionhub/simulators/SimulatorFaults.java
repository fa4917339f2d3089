package io.visionhub.simulators;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Faults a simulator injects on demand (tests, benchmarks, the demo's fault buttons). Thread-safe; each
 * counted fault applies to the next N requests it matches and then clears itself.
 */
public final class SimulatorFaults {

    private final AtomicBoolean down = new AtomicBoolean();
    private final AtomicInteger serverErrors = new AtomicInteger();
    private final AtomicInteger serverErrorStatus = new AtomicInteger(503);
    private final AtomicInteger lostAnswersAfterCreate = new AtomicInteger();
    private final AtomicInteger timeoutsAfterCreate = new AtomicInteger();
    private final AtomicLong delayMillis = new AtomicLong();
    private final AtomicLong hangMillis = new AtomicLong(30_000);
    private final AtomicLong retryAfterSeconds = new AtomicLong();

    /** While down, every request gets 503 (a target that is down for minutes). */
    public SimulatorFaults down(boolean isDown) {
        down.set(isDown);
        return this;
    }

    public boolean isDown() {
        return down.get();
    }

    /** The next {@code count} requests answer {@code status} (5xx) with the system's error body. */
    public SimulatorFaults serverErrors(int count, int status) {
        serverErrorStatus.set(status);
        serverErrors.set(count);
        return this;
    }

    /** Injected 429/503 answers carry {@code Retry-After: <seconds>} (0 = no header). */
    public SimulatorFaults retryAfter(long seconds) {
        retryAfterSeconds.set(seconds);
        return this;
    }

    long retryAfterSeconds() {
        return retryAfterSeconds.get();
    }

    /** The next {@code count} creates store the document, then close the connection without an answer. */
    public SimulatorFaults loseAnswerAfterCreate(int count) {
        lostAnswersAfterCreate.set(count);
        return this;
    }

    /** The next {@code count} creates store the document, then hang (client times out), then close. */
    public SimulatorFaults timeoutAfterCreate(int count, Duration hang) {
        hangMillis.set(hang.toMillis());
        timeoutsAfterCreate.set(count);
        return this;
    }

    /** Every answer is delayed by this much (slow target). Zero turns it off. */
    public SimulatorFaults slowAnswers(Duration delay) {
        delayMillis.set(delay.toMillis());
        return this;
    }

    /** Clears every fault. */
    public SimulatorFaults clear() {
        down.set(false);
        serverErrors.set(0);
        lostAnswersAfterCreate.set(0);
        timeoutsAfterCreate.set(0);
        delayMillis.set(0);
        retryAfterSeconds.set(0);
        return this;
    }

    int takeServerError() {
        return takeOne(serverErrors) ? serverErrorStatus.get() : 0;
    }

    boolean takeLostAnswer() {
        return takeOne(lostAnswersAfterCreate);
    }

    long takeTimeoutAfterCreate() {
        return takeOne(timeoutsAfterCreate) ? hangMillis.get() : 0;
    }

    long delayMillis() {
        return delayMillis.get();
    }

    private static boolean takeOne(AtomicInteger counter) {
        while (true) {
            int n = counter.get();
            if (n <= 0) {
                return false;
            }
            if (counter.compareAndSet(n, n - 1)) {
                return true;
            }
        }
    }
}
