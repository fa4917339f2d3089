package io.visionhub.onvif;

/** What a camera says about itself (ONVIF Device GetDeviceInformation). */
public record DeviceInformation(
        String manufacturer, String model, String firmwareVersion, String serialNumber, String hardwareId) {}
