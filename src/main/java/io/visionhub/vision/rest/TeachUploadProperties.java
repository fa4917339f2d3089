package io.visionhub.vision.rest;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Limits of a teaching upload ({@code POST /api/models/teach/upload}), prefix {@code visionhub.vision.teach.upload}.
 *
 * @param maxSize         the whole request (larger: 413 before anything is read); also Spring's multipart limits
 * @param maxImages       images in one upload, zips unpacked, all fields together
 * @param maxImageSize    one image, as sent or as unpacked from a zip
 * @param maxUnpackedSize all images of one upload unpacked (stops a zip bomb at this size)
 */
@ConfigurationProperties("visionhub.vision.teach.upload")
public record TeachUploadProperties(
        DataSize maxSize, Integer maxImages, DataSize maxImageSize, DataSize maxUnpackedSize) {

    public TeachUploadProperties {
        maxSize = maxSize == null ? DataSize.ofMegabytes(100) : maxSize;
        maxImages = maxImages == null ? 500 : maxImages;
        maxImageSize = maxImageSize == null ? DataSize.ofMegabytes(20) : maxImageSize;
        maxUnpackedSize = maxUnpackedSize == null ? DataSize.ofMegabytes(500) : maxUnpackedSize;
    }
}
