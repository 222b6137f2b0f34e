package io.natt.nat;

import java.net.Inet4Address;

/**
 * One host of a topology: the namespace it lives in, its interface and address.
 *
 * @param role "harness", "iut", or a NAT's name
 */
public record Host(String role, String namespace, String iface, Inet4Address address, int prefix) {
  @Override
  public String toString() {
    return role
        + " "
        + address.getHostAddress()
        + "/"
        + prefix
        + " ("
        + namespace
        + ":"
        + iface
        + ")";
  }
}
