package io.visionhub.event;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The stored frame: SHA-256 of the encoded image (the key of the content-addressed store),
 * a link to fetch it, and the same for the annotated copy where one was drawn.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ImageRef(String sha256, String uri, String annotatedSha256, String annotatedUri, int width, int height) {}
