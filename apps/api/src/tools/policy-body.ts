import { Policy } from '@omniai/contracts';
import { nonPublicEgressAddress } from '@omniai/tools';

/**
 * `PUT /v1/policy`'s body: the contract, plus what needs the address policy (D44): an `egress_allow` IP address that is
 * not public is refused with its field (`egress_allow.<i>`), like a malformed entry.
 */
export const PolicyBody = Policy.superRefine((policy, ctx) => {
  policy.egress_allow?.forEach((entry, i) => {
    const problem = nonPublicEgressAddress(entry);
    if (problem) ctx.addIssue({ code: 'custom', path: ['egress_allow', i], message: problem });
  });
});
