import { Alert, Button, Code, Group, List, Modal, Stack, Text } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { SecretReveal } from '@/components/SecretReveal';
import { formatDateTime } from '@/lib/format';

export interface KeyReveal {
  name: string;
  key: string;
  rotated: boolean;
  /** During a rotation with an overlap: when the old key stops signing. */
  overlapUntil?: string | null;
  /** During a rotation with an overlap: when X-Signature moves to this key. */
  signatureSwitchAt?: string | null;
  /** Advice from the save (e.g. the URL resolves to an address deliveries may not reach). */
  warnings?: readonly string[];
}

/** The endpoint's signing key, once (creation or rotation). Closing drops it for good. */
export function KeyRevealModal({ reveal, onClose }: { reveal: KeyReveal | null; onClose: () => void }) {
  return (
    <Modal
      opened={reveal !== null}
      onClose={onClose}
      title={reveal?.rotated ? 'New signing key' : 'Endpoint created'}
      size="lg"
      closeOnClickOutside={false}
      centered
    >
      {reveal && (
        <Stack gap="md">
          {reveal.warnings && reveal.warnings.length > 0 && <SaveWarnings warnings={reveal.warnings} />}
          <SecretReveal
            title={`Signing key of “${reveal.name}”`}
            label="Signing key"
            value={reveal.key}
            warning="Copy the signing key now. You will not see it again."
            testId="signing-key"
            note="Switchboard keeps it encrypted, to sign deliveries, and never shows it again. If you lose it, rotate it."
          >
            {reveal.rotated &&
              (reveal.overlapUntil ? (
                <Text size="sm" c="orange" data-testid="rotation-timeline">
                  Until {formatDateTime(reveal.overlapUntil)} the old key still signs <Code>webhook-signature</Code> beside this one;{' '}
                  <Code>X-Signature</Code> switches to this key at {formatDateTime(reveal.signatureSwitchAt ?? reveal.overlapUntil)}. Update
                  the receivers before then.
                </Text>
              ) : (
                <Text size="sm" c="orange" data-testid="rotation-timeline">
                  The old key no longer signs anything: update the receiver now.
                </Text>
              ))}
            <Text size="sm" c="dimmed">
              Receivers check each request with it. The two signatures use different bytes of the key:
            </Text>
            <List size="sm" spacing={4}>
              <List.Item>
                <Code>X-Signature</Code> (Scalr) = lowercase hex HMAC-SHA1, keyed with the 64 characters above as ASCII bytes, of the
                body followed by the <Code>Date</Code> header.
              </List.Item>
              <List.Item>
                <Code>webhook-signature</Code> (Standard Webhooks) = <Code>v1,</Code> + base64 HMAC-SHA256, keyed with the 48 bytes the
                key decodes to as standard base64, of <Code>webhook-id.webhook-timestamp.body</Code>. Standard Webhooks libraries do this
                decoding when given the key as it is.
              </List.Item>
            </List>
          </SecretReveal>
          <Group justify="flex-end">
            <Button onClick={onClose}>I have copied the key</Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}

/** Warnings a save returned: it succeeded, but deliveries may fail. */
export function SaveWarnings({ warnings }: { warnings: readonly string[] }) {
  return (
    <Alert color="yellow" variant="light" icon={<IconAlertTriangle size={18} />} title="Saved, with a warning" role="status" data-testid="save-warnings">
      {warnings.length === 1 ? (
        warnings[0]
      ) : (
        <List size="sm">
          {warnings.map((w) => (
            <List.Item key={w}>{w}</List.Item>
          ))}
        </List>
      )}
    </Alert>
  );
}
