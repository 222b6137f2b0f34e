package io.natt.nat;

/**
 * Where packets can be observed: an interface in a namespace, e.g. the harness's own interface or
 * the public side of a NAT.
 */
public record CapturePoint(String name, String namespace, String iface) {}
