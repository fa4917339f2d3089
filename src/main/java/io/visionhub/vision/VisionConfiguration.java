package io.visionhub.vision;

import io.visionhub.images.ImageStore;
import io.visionhub.vision.component.VisionComponent;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.CamelContext;
import org.springframework.beans.factory.ObjectProvider;

import java.nio.file.Path;

/**
 * Spring wiring of the vision concern: the {@code vision} Camel component (with the image store bean and the
 * session settings), after the demo model has been taught where it was missing.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(VisionProperties.class)
public class VisionConfiguration {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(VisionConfiguration.class);

    /** Marker bean: the demo model exists before any vision endpoint starts. */
    public record DemoModelReady(Path path, boolean taught) {
    }

    @Bean
    public DemoModelReady demoModelReady(VisionProperties props) {
        VisionProperties.DemoModel demo = props.demoModel();
        Path path = Path.of(demo.path());
        boolean taught = false;
        try {
            taught = demo.enabled() && DemoModelBootstrap.ensure(path, demo.goodImages(), demo.seed());
        } catch (RuntimeException e) {
            // the rest of the hub still starts; routes that use this model report it missing
            LOG.error("Could not teach the demo model into {}: {}. Make the folder writable, or point "
                    + "visionhub.vision.demo-model.path elsewhere", path.toAbsolutePath(), e.getMessage(), e);
        }
        return new DemoModelReady(path, taught);
    }

    @Bean(name = "vision")
    public VisionComponent visionComponent(VisionProperties props, ImageStore imageStore, DemoModelReady demo,
                                           ObjectProvider<MeterRegistry> meters) {
        VisionComponent c = new VisionComponent();
        c.setMeterRegistry(meters.getIfAvailable());
        c.setImageStore(imageStore);
        c.setImageUriPrefix(props.imageUriPrefix());
        VisionProperties.Session s = props.session();
        c.setIntraOpThreads(s.intraOpThreads());
        c.setInterOpThreads(s.interOpThreads());
        c.setAllowSpinning(s.allowSpinning());
        c.setOptimization(s.optimization());
        c.setWarmupRuns(s.warmupRuns());
        c.setCuda(s.cuda());
        c.setCudaDevice(s.cudaDevice());
        return c;
    }

    /** Health component "vision": one entry per camera. */
    @Bean
    public VisionHealthIndicator visionHealthIndicator(ObjectProvider<CamelContext> camel) {
        return new VisionHealthIndicator(camel::getIfAvailable);
    }
}
