package io.visionhub.images;

import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The {@code imageStore} bean: a {@link FileImageStore} under {@code visionhub.images.root} (data/images). */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ImageStoreProperties.class)
public class ImageStoreConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(ImageStoreConfiguration.class);

    @Bean(name = "imageStore")
    @ConditionalOnMissingBean(ImageStore.class)
    public FileImageStore imageStore(ImageStoreProperties props) {
        Path root = Path.of(props.root());
        LOG.info("Image store: frames stored by SHA-256 under {}", root.toAbsolutePath());
        return new FileImageStore(root);
    }
}
