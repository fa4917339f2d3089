package io.visionhub.event;

/** Where the time of one inspection went, in milliseconds. */
public record Latency(double decodeMs, double preprocessMs, double inferenceMs, double postprocessMs, double totalMs) {}
