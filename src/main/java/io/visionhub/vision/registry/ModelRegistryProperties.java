package io.visionhub.vision.registry;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * The model registry ({@code visionhub.vision.registry}, defaults in config/vision.yaml).
 *
 * @param enabled      serve /api/models (list, upload, approve, promote, challengers)
 * @param dir          where uploaded versions are stored ({@code <dir>/<name>/<version>/})
 * @param maxModelSize largest .onnx file an upload may carry (Spring's multipart limit applies too)
 * @param maxCardSize  largest model card
 */
@ConfigurationProperties("visionhub.vision.registry")
public record ModelRegistryProperties(Boolean enabled, String dir, DataSize maxModelSize, DataSize maxCardSize) {

    public ModelRegistryProperties {
        enabled = enabled == null || enabled;
        dir = dir == null || dir.isBlank() ? "models/registry" : dir;
        maxModelSize = maxModelSize == null ? DataSize.ofMegabytes(100) : maxModelSize;
        maxCardSize = maxCardSize == null ? DataSize.ofKilobytes(64) : maxCardSize;
    }
}
