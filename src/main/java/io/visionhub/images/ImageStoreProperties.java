package io.visionhub.images;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Where frames and annotated frames are stored.
 *
 * @param root folder of the content-addressed file store
 */
@ConfigurationProperties(prefix = "visionhub.images")
public record ImageStoreProperties(String root) {
    public ImageStoreProperties {
        if (root == null || root.isBlank()) {
            root = "data/images";
        }
    }
}
