package io.visionhub.quality.alarm;

/**
 * An acknowledgement whose clear (a QUALITY_ALARM record, action CLEARED) was submitted but not committed within the
 * ledger's append timeout, or that is still under way when the caller stops waiting: it may still commit, or be
 * refused. The REST acknowledge answers 202 with this message.
 */
public class AlarmClearPendingException extends RuntimeException {

    private final String alarmId;

    public AlarmClearPendingException(String alarmId, String message) {
        super(message);
        this.alarmId = alarmId;
    }

    /** The alarm whose clear is pending. */
    public String alarmId() {
        return alarmId;
    }
}
