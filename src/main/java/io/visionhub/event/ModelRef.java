package io.visionhub.event;

/** Names the model that judged a frame: enough to find the exact file again. */
public record ModelRef(String name, String version, String sha256, String kind) {}
