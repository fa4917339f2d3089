package io.visionhub.outputs.opcua;

import io.micrometer.core.instrument.MeterRegistry;
import io.visionhub.access.LoginThrottle;
import io.visionhub.access.LoginThrottleProperties;
import io.visionhub.context.ProductionContextStore;
import io.visionhub.event.EventIds;
import io.visionhub.event.ProductionContext;
import io.visionhub.ledger.CanonicalJson;
import io.visionhub.ledger.JdbcInspectionLedger;
import io.visionhub.ledger.LedgerWrite;
import io.visionhub.vision.component.VisionComponent;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.sql.DataSource;
import org.apache.camel.CamelContext;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

/** The hub's OPC UA server (route step {@code opcua-station:<station>}, see OpcUaStationComponent). */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(OpcUaServerProperties.class)
public class OpcUaConfiguration {

    @Bean(initMethod = "start", destroyMethod = "stop")
    @ConditionalOnProperty(prefix = "visionhub.opcua", name = "enabled", havingValue = "true", matchIfMissing = true)
    public HubOpcUaServer hubOpcUaServer(
            OpcUaServerProperties props,
            @Value("${visionhub.site:site}") String site,
            LoginThrottleProperties throttle,
            ObjectProvider<MeterRegistry> registry,
            ObjectProvider<DataSource> ledgerDataSource,
            RecipeBook recipeBook) {
        HubOpcUaServer server = new HubOpcUaServer(
                props, site, new LoginThrottle("opcua", throttle, registry.getIfAvailable(), Clock.systemUTC()));
        // ResultManagement (GetResultById ...) reads the ledger's inspection table
        DataSource ds = ledgerDataSource.getIfAvailable();
        LedgerResultSource results = ds == null ? null : new LedgerResultSource(ds);
        server.setResultSource(() -> results);
        server.setRecipeBook(recipeBook);
        return server;
    }

    /**
     * Recipes (model cards) and the product -> recipe links of each station: the vision component asks it per frame
     * which model judges the product on the line (a ModelSelector). Each link is recorded in the ledger first.
     */
    @Bean
    @ConditionalOnProperty(prefix = "visionhub.opcua", name = "enabled", havingValue = "true", matchIfMissing = true)
    public RecipeBook recipeBook(
            OpcUaServerProperties props,
            ObjectProvider<ProductionContextStore> contexts,
            ObjectProvider<JdbcInspectionLedger> ledger,
            ObjectProvider<CamelContext> camel) {
        RecipeBook book = new RecipeBook(
                props.recipeDirs().stream().map(Path::of).toList(),
                Path.of(props.recipeLinksFile()),
                (line, at) -> {
                    ProductionContextStore store = contexts.getIfAvailable();
                    ProductionContext c = store == null ? null : store.at(line, at);
                    return c == null ? null : c.product();
                },
                decision -> {
                    JdbcInspectionLedger l = ledger.getIfAvailable();
                    if (l == null) {
                        throw new IllegalStateException("no ledger to record the recipe decision in");
                    }
                    try {
                        l.submit(new LedgerWrite(
                                        RecipeBook.RECORD_TYPE,
                                        EventIds.newId(),
                                        CanonicalJson.write(RecipeBook.body(decision)),
                                        List.of()))
                                .get(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException("interrupted while the ledger recorded the recipe decision", e);
                    } catch (ExecutionException | TimeoutException e) {
                        throw new IllegalStateException(
                                "the ledger did not record the recipe decision: " + e.getMessage(), e);
                    }
                });
        // a recipe's model loads (and is checked) when it is linked or prepared, not on the line
        book.preparer(location -> {
            CamelContext c = camel.getIfAvailable();
            if (c != null) {
                c.getComponent("vision", VisionComponent.class).model(location.toString());
            }
        });
        return book;
    }

    /** Each station's VisionStateMachine follows its camera routes (Halted, Error, Operational ...). */
    @Bean(initMethod = "start", destroyMethod = "close")
    @ConditionalOnProperty(prefix = "visionhub.opcua", name = "enabled", havingValue = "true", matchIfMissing = true)
    public VisionStateSampler opcUaVisionStateSampler(
            ObjectProvider<CamelContext> camel, ObjectProvider<HubOpcUaServer> server) {
        return new VisionStateSampler(camel::getIfAvailable, () -> {
            HubOpcUaServer s = server.getIfAvailable();
            return s == null ? null : s.namespace();
        });
    }

    /** Health "opcua": endpoint, bound endpoints, sessions. */
    @Bean
    @ConditionalOnProperty(prefix = "visionhub.opcua", name = "enabled", havingValue = "true", matchIfMissing = true)
    public OpcUaHealthIndicator opcuaHealthIndicator(HubOpcUaServer hubOpcUaServer) {
        return new OpcUaHealthIndicator(hubOpcUaServer);
    }

    /** Station counters seeded from the ledger at start (Spring Boot's JdbcTemplate waits for Flyway). */
    @Bean
    @ConditionalOnProperty(prefix = "visionhub.opcua", name = "enabled", havingValue = "true", matchIfMissing = true)
    public OpcUaLedgerCounters opcUaLedgerCounters(HubOpcUaServer hubOpcUaServer, ObjectProvider<JdbcTemplate> jdbc) {
        OpcUaLedgerCounters counters = new OpcUaLedgerCounters(hubOpcUaServer, jdbc.getIfAvailable());
        counters.seed();
        return counters;
    }
}
