import { Alert, Button, Group, List, Modal, NumberInput, Stack, Text } from '@mantine/core';
import { IconInfoCircle } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import { FormErrors } from '@/components/FormErrors';
import type { EndpointFieldsFragment } from '@/gql/graphql';
import { splitUserErrors } from '@/lib/graphql/user-errors';
import { RotateEndpointKeyMutation, endpointsContext } from '../api';
import { useMutationWithErrors } from '@/lib/graphql/use-mutation-with-errors';

/** The longest overlap the server accepts (7 days), in hours. */
export const MAX_OVERLAP_HOURS = 7 * 24;

export interface RotatedKey {
  name: string;
  key: string;
  overlapUntil: string | null;
  signatureSwitchAt: string | null;
}

/**
 * Rotates an endpoint's signing key. With an overlap the old key keeps signing beside the new one
 * (two signatures in webhook-signature), and X-Signature moves to the new key at the chosen
 * time: Scalr handlers check one key, so by default it moves at the end of the overlap.
 */
export function RotateKeyModal({
  endpoint,
  onClose,
  onRotated,
}: {
  endpoint: EndpointFieldsFragment | null;
  onClose: () => void;
  onRotated: (r: RotatedKey) => void;
}) {
  const [, rotate] = useMutationWithErrors(RotateEndpointKeyMutation, (d) => d.rotateEndpointKey, {
    failTitle: 'Could not rotate the key',
    context: endpointsContext,
  });
  const [overlapHours, setOverlapHours] = useState<number>(24);
  const [switchHours, setSwitchHours] = useState<number>(24);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [general, setGeneral] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (endpoint) {
      setOverlapHours(24);
      setSwitchHours(24);
      setErrors({});
      setGeneral([]);
    }
  }, [endpoint]);

  const overlap = Math.min(Math.max(overlapHours || 0, 0), MAX_OVERLAP_HOURS);
  const switchAfter = Math.min(Math.max(switchHours || 0, 0), overlap);

  async function submit() {
    if (!endpoint) return;
    setBusy(true);
    setErrors({});
    setGeneral([]);
    const now = Date.now();
    const input = {
      id: endpoint.id,
      overlapSeconds: Math.round(overlap * 3600),
      // Omitted at the end of the overlap: the server's default, exact to the second.
      signatureSwitchAt: overlap > 0 && switchAfter < overlap ? new Date(now + switchAfter * 3600_000).toISOString() : null,
    };
    const outcome = await rotate({ input });
    setBusy(false);
    const p = outcome.payload;
    if (!p) return;
    if (p.errors.length || !p.signingKey) {
      const s = splitUserErrors(p.errors, ['overlapSeconds', 'signatureSwitchAt']);
      setErrors(s.fields);
      setGeneral(s.general.length || Object.keys(s.fields).length ? s.general : ['The server did not return the new key.']);
      return;
    }
    onRotated({
      name: endpoint.name,
      key: p.signingKey,
      overlapUntil: p.endpoint?.keyRotation.overlapUntil ?? null,
      signatureSwitchAt: p.endpoint?.keyRotation.signatureSwitchAt ?? null,
    });
  }

  return (
    <Modal opened={endpoint !== null} onClose={onClose} title={endpoint ? `Rotate the signing key of ${endpoint.name}` : ''} centered size="lg">
      <Stack gap="md">
        <FormErrors errors={general} />
        <NumberInput
          label="Overlap (hours)"
          description="How long the old key keeps signing beside the new one: 0 replaces it at once, at most 168 (7 days)."
          min={0}
          max={MAX_OVERLAP_HOURS}
          step={1}
          decimalScale={2}
          value={overlapHours}
          onChange={(v) => setOverlapHours(typeof v === 'number' ? v : Number(v) || 0)}
          error={errors.overlapSeconds}
          data-autofocus
        />
        <NumberInput
          label="Switch X-Signature after (hours)"
          description="Scalr handlers check one key: X-Signature moves from the old key to the new one this long after the rotation. Default: at the end of the overlap."
          min={0}
          max={overlap}
          step={1}
          decimalScale={2}
          disabled={overlap === 0}
          value={overlap === 0 ? 0 : switchHours}
          onChange={(v) => setSwitchHours(typeof v === 'number' ? v : Number(v) || 0)}
          error={errors.signatureSwitchAt}
        />
        <Alert color={overlap === 0 ? 'orange' : 'blue'} variant="light" icon={<IconInfoCircle size={18} />}>
          {overlap === 0 ? (
            <Text size="sm">The old key stops signing at once: receivers reject deliveries until they have the new key.</Text>
          ) : (
            <List size="sm" spacing={4}>
              <List.Item>
                For {overlap} h, <code>webhook-signature</code> carries two signatures, <code>v1,&lt;old key&gt; v1,&lt;new key&gt;</code>:
                Standard Webhooks receivers accept either key.
              </List.Item>
              <List.Item>
                <code>X-Signature</code> uses the old key for {switchAfter} h, then the new key.
              </List.Item>
              <List.Item>After the overlap only the new key signs. You can finish or cancel the rotation earlier.</List.Item>
            </List>
          )}
        </Alert>
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button color="orange" loading={busy} onClick={submit}>
            Rotate key
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
