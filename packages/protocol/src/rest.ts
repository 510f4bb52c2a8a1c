/**
 * Bodies of the vendor management REST API (PROTOCOL.md "Management API").
 * PUT bodies carry every key; the Patch variants are for partial updates.
 */
import Type from 'typebox';

export const WireguardState = Type.Object({ enabled: Type.Boolean() }, { additionalProperties: false });
export type WireguardState = Type.Static<typeof WireguardState>;

export const WireguardStatePatch = Type.Object(
  { enabled: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
);
export type WireguardStatePatch = Type.Static<typeof WireguardStatePatch>;

export const WireguardSetting = Type.Object(
  {
    auth_domain: Type.Union([Type.String(), Type.Null()]),
    local_tunnel: Type.Boolean(),
    device_vpn: Type.Boolean(),
    trusted_ca_cert: Type.Union([Type.String(), Type.Null()]),
  },
  { additionalProperties: false },
);
export type WireguardSetting = Type.Static<typeof WireguardSetting>;

export const WireguardSettingPatch = Type.Object(
  {
    auth_domain: Type.Optional(Type.Union([Type.String(), Type.Null()])),
    local_tunnel: Type.Optional(Type.Boolean()),
    device_vpn: Type.Optional(Type.Boolean()),
    trusted_ca_cert: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  },
  { additionalProperties: false },
);
export type WireguardSettingPatch = Type.Static<typeof WireguardSettingPatch>;
