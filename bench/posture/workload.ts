// S6's workload: the posture an administrator sets up (three objects of two to four criteria, two
// profiles, access rules by profile) and the reports the simulated clients send. Every report differs
// from the one before (the antivirus signatures' age moves by a day), so each one yields a new
// `posture_state` (DECISIONS 76) and its answer proves it was evaluated and recorded; one report in
// `flipEvery` turns the firewall off, so that share of reports moves the session between profiles
// (and its next one moves it back): the path with the firewall grant and the event.
import type { ZtnaReport } from '@kordon/protocol';

/** The management API's bodies (docs/posture.md), in the order they are created. */
export const postureObjects = [
  {
    name: 'Antivirus',
    criteria: [
      { check: 'av_active' },
      { check: 'av_name', operator: 'contains', value: 'Defender' },
      { check: 'av_update', max_days: 7 },
    ],
  },
  {
    name: 'Firewall',
    criteria: [{ check: 'fw_active' }, { check: 'fw_name', operator: 'contains', value: 'Firewall' }],
  },
  {
    name: 'System',
    criteria: [
      { check: 'os_type', operator: 'contains', values: ['Windows'] },
      { check: 'os_version', operator: '>=', value: '10.0.19045' },
      { check: 'kb_list', operator: 'contains', values: ['KB5034441'] },
      { check: 'processes', operator: 'contains', values: ['osqueryd'] },
    ],
  },
] as const;

/** Profiles by expression text over the objects' names. */
export const postureProfiles = [
  { name: 'Compliant', expression: 'Antivirus and Firewall and System' },
  { name: 'Protected', expression: 'Antivirus or Firewall' },
] as const;

/** Access rules by profile name (`device without profile` is the reserved one), in evaluation order. */
export const accessRules = [
  { profiles: ['Compliant'], to: ['0.0.0.0/0', '::/0'] },
  { profiles: ['Protected'], to: ['198.18.4.0/24'] },
  { profiles: ['device without profile'], to: ['198.18.5.0/24'] },
] as const;

/** The `step`th report of a device (0, 1, ...); `flipEvery` 0 never turns the firewall off. */
export function postureReport(device: number, step: number, flipEvery: number): ZtnaReport {
  const firewallOff = flipEvery > 0 && step % flipEvery === flipEvery - 1;
  return {
    type: 'ztna',
    node_name: `WS-${device}`,
    operation_system: { type: 'Windows', version: '10.0.19045.3803', domain: 'corp.example' },
    kb_list: ['KB5034441'],
    antivirus: [
      {
        active: true,
        name: 'Windows Defender',
        version: '4.18.24010.12',
        last_update: step % 5,
        last_scan: 1,
      },
    ],
    firewall: [{ active: !firewallOff, name: 'Windows Firewall', version: '10.0.19041' }],
    proc_list: ['osqueryd'],
  };
}
