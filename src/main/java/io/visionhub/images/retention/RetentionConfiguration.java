package io.visionhub.images.retention;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.visionhub.camel.SingleThreadExecutors;
import io.visionhub.images.FileImageStore;
import io.visionhub.images.ImageStoreProperties;
import io.visionhub.ledger.JdbcInspectionLedger;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.ExecutorServiceManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Image retention (the pruner, on a schedule) and the disk watch of the image folder (health, metrics, alarm). */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(RetentionProperties.class)
public class RetentionConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(RetentionConfiguration.class);

    @Bean
    public DiskSpaceMonitor imageDiskMonitor(
            ImageStoreProperties images, RetentionProperties props, ObjectProvider<MeterRegistry> meters) {
        DiskSpaceMonitor m = new DiskSpaceMonitor(Path.of(images.root()), props, Clock.systemUTC());
        MeterRegistry r = meters.getIfAvailable();
        if (r != null) {
            Gauge.builder("visionhub.disk.free.bytes", m, x -> x.status().freeBytes())
                    .description("free bytes on the disk of the image folder")
                    .register(r);
            Gauge.builder("visionhub.disk.total.bytes", m, x -> x.status().totalBytes())
                    .description("size of the disk of the image folder")
                    .register(r);
            Gauge.builder(
                            "visionhub.disk.growth.bytes.per.day",
                            m,
                            x -> orNaN(x.status().growthBytesPerDay()))
                    .description("recent growth of used space on that disk (visionhub.retention.growth-window)")
                    .register(r);
            Gauge.builder("visionhub.disk.days.left", m, x -> orNaN(x.status().daysLeft()))
                    .description("days until that disk is full at the recent growth rate (NaN: not growing)")
                    .register(r);
            Gauge.builder("visionhub.disk.low", m, x -> x.status().low() ? 1 : 0)
                    .description("1 while the disk-low alarm is raised (visionhub.retention.disk-low-*)")
                    .register(r);
        }
        return m;
    }

    @Bean
    public DiskHealthIndicator imageDiskHealthIndicator(DiskSpaceMonitor imageDiskMonitor, RetentionProperties props) {
        return new DiskHealthIndicator(imageDiskMonitor, props);
    }

    /**
     * The schedule: the disk every minute, the pruner every {@code visionhub.retention.interval}, on a thread of
     * Camel's ExecutorServiceManager (it shows in Camel's management, and Camel stops it with the context, before
     * the ledger and the database it writes to close). The executor is kept inside this holder, not a bean of its
     * own: an Executor bean would stand in for Spring Boot's task executor, which platform-http needs.
     */
    public record RetentionSchedule(ScheduledExecutorService executor, ExecutorServiceManager manager)
            implements AutoCloseable {
        @Override
        public void close() {
            manager.shutdownNow(executor);
        }
    }

    @Bean(destroyMethod = "close")
    public RetentionSchedule retentionScheduler(
            RetentionProperties props,
            DiskSpaceMonitor imageDiskMonitor,
            ObjectProvider<JdbcInspectionLedger> ledger,
            ObjectProvider<FileImageStore> images,
            DataSource dataSource,
            ObjectProvider<MeterRegistry> meters,
            CamelContext camelContext) {
        ExecutorServiceManager threads = camelContext.getExecutorServiceManager();
        ScheduledExecutorService s = SingleThreadExecutors.scheduled(threads, this, "image-retention");
        s.scheduleWithFixedDelay(() -> safely(imageDiskMonitor::sample), 0, 1, TimeUnit.MINUTES);
        JdbcInspectionLedger l = ledger.getIfAvailable();
        FileImageStore store = images.getIfAvailable();
        if (!props.enabled() || l == null || store == null) {
            LOG.info(
                    "Image retention off ({}): images are kept for ever; the disk is still watched",
                    !props.enabled() ? "visionhub.retention.enabled=false" : "no ledger or file image store");
            return new RetentionSchedule(s, threads);
        }
        ImagePruner pruner = new ImagePruner(dataSource, l, store, props, Clock.systemUTC());
        MeterRegistry r = meters.getIfAvailable();
        Counter pruned = r == null
                ? null
                : Counter.builder("visionhub.retention.pruned.images")
                        .description(
                                "images removed by the retention policy (each listed in an IMAGES_PRUNED ledger record)")
                        .register(r);
        long every = props.interval().toSeconds();
        s.scheduleWithFixedDelay(
                () -> safely(() -> {
                    ImagePruner.Run run = pruner.pruneOnce();
                    if (pruned != null) {
                        pruned.increment(run.images());
                    }
                }),
                Math.min(60, every),
                every,
                TimeUnit.SECONDS);
        LOG.info(
                "Image retention: OK frames {} d, NG {} d, uncertain {} d, annotated copies {} d (0 = for ever), "
                        + "checked every {}; each pruning is recorded in the ledger (IMAGES_PRUNED)",
                props.okDays(),
                props.ngDays(),
                props.uncertainDays(),
                props.annotatedDays(),
                props.interval());
        return new RetentionSchedule(s, threads);
    }

    private static double orNaN(Double d) {
        return d == null ? Double.NaN : d;
    }

    private static void safely(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            LOG.error("Image retention run failed (it runs again at the next interval): {}", e.getMessage(), e);
        }
    }
}
