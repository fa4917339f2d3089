package io.visionhub.inputs.mqtt;

import io.visionhub.event.InspectionEvent;
import io.visionhub.ledger.JdbcInspectionLedger;
import io.visionhub.ledger.LedgerReceipt;
import java.sql.ResultSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.apache.camel.Exchange;
import org.apache.camel.Predicate;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Whether the ledger already holds an inspection (by its event id): the input routes ask this for every message,
 * since a message in flight (recorded, not yet acknowledged) when the previous connection ended comes again, and
 * Mosquitto 2.0 sends it again without the DUP flag. One primary-key look-up.
 * <p>
 * A copy of an event whose first copy is still on its way to its group commit ({@code mqtt-input:} lanes do not
 * wait for the commit before taking the next message) waits for that commit here: held once it is durable, not held
 * when it was refused. So the copy is never recorded twice, and never acknowledged before the first is durable.
 * <p>
 * As a Camel {@link Predicate} (route step {@code filter: ref: recordedInspections}) it answers for the exchange's
 * body, an {@link InspectionEvent}: called directly, without the bean language's reflection per message.
 */
@Component("recordedInspections")
public class RecordedInspections implements Predicate {

    private final JdbcTemplate jdbc;
    private final Supplier<JdbcInspectionLedger> ledger;
    /** the ledger once found: asking the bean factory per message cost more than the query (a profile showed) */
    private volatile JdbcInspectionLedger found;

    @Autowired
    public RecordedInspections(DataSource dataSource, ObjectProvider<JdbcInspectionLedger> ledger) {
        this.jdbc = new JdbcTemplate(dataSource);
        this.ledger = ledger::getIfAvailable;
    }

    /** The ledger's database and the ledger itself (its commits under way); ledger null: the database alone. */
    public RecordedInspections(DataSource dataSource, JdbcInspectionLedger ledger) {
        this.jdbc = new JdbcTemplate(dataSource);
        this.ledger = () -> ledger;
    }

    /** Whether the ledger holds the exchange's event (the body, read by {@code InspectionEventInput}). */
    @Override
    public boolean matches(Exchange exchange) {
        Object body = exchange.getMessage().getBody();
        if (!(body instanceof InspectionEvent event)) {
            throw new IllegalArgumentException("the duplicate check (recordedInspections) needs an "
                    + InspectionEvent.class.getName() + " as the body (after process: ref: inspectionEventInput), got "
                    + (body == null ? "null" : body.getClass().getName()));
        }
        return holds(event);
    }

    public boolean holds(InspectionEvent event) {
        JdbcInspectionLedger l = found;
        if (l == null) {
            l = found = ledger.get();
        }
        CompletableFuture<LedgerReceipt> committing = l == null ? null : l.committing(event.id());
        if (committing != null) {
            try {
                committing.get(l.appendTimeout().toMillis(), TimeUnit.MILLISECONDS);
                return true;
            } catch (ExecutionException refused) {
                // the first copy was refused: this one is recorded (or refused) on its own
            } catch (TimeoutException e) {
                throw new IllegalStateException("inspection " + event.id() + " came again while its first copy "
                        + "was still not committed after " + l.appendTimeout() + " (database slow or down)");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while inspection " + event.id() + " was committed");
            }
        }
        Boolean held = jdbc.query("SELECT 1 FROM inspection WHERE id = ?", ResultSet::next, event.id());
        return held != null && held;
    }
}
