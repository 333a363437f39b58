import { Button, Code, Group, List, Modal, Stack, Text } from '@mantine/core';
import { SecretReveal } from '@/components/SecretReveal';

/** The endpoint's signing key, once (creation or rotation). Closing drops it for good. */
export function KeyRevealModal({
  reveal,
  onClose,
}: {
  reveal: { name: string; key: string; rotated: boolean } | null;
  onClose: () => void;
}) {
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
          <SecretReveal
            title={`Signing key of “${reveal.name}”`}
            label="Signing key"
            value={reveal.key}
            warning="Copy the signing key now. You will not see it again."
            testId="signing-key"
            note="Switchboard keeps it encrypted, to sign deliveries, and never shows it again. If you lose it, rotate it."
          >
            {reveal.rotated && (
              <Text size="sm" c="orange.8">
                The old key no longer signs anything: update the receiver now.
              </Text>
            )}
            <Text size="sm" c="dimmed">
              Receivers check each request with it:
            </Text>
            <List size="sm" spacing={4}>
              <List.Item>
                <Code>X-Signature</Code> = hex HMAC-SHA1 of the body followed by the <Code>Date</Code> header
              </List.Item>
              <List.Item>
                or <Code>webhook-signature</Code> (Standard Webhooks, HMAC-SHA256)
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
