import { ActionIcon, Box, Code, CopyButton, Tooltip } from '@mantine/core';
import { IconCheck, IconCopy } from '@tabler/icons-react';

/** A block of code or a shell command with a copy button in its corner. */
export function CodeBlock({
  children,
  label = 'Copy',
  maxHeight,
  testId,
  copyValue,
}: {
  children: string;
  /** What the copy button copies, when it differs from what is shown. */
  copyValue?: string;
  label?: string;
  maxHeight?: number;
  testId?: string;
}) {
  return (
    <Box pos="relative">
      <Code
        block
        fz="xs"
        pr={44}
        data-testid={testId}
        style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all', maxHeight, overflow: 'auto' }}
      >
        {children}
      </Code>
      <CopyButton value={copyValue ?? children} timeout={2000}>
        {({ copied, copy }) => (
          <Tooltip label={copied ? 'Copied' : label}>
            <ActionIcon
              variant="subtle"
              color={copied ? 'teal' : 'gray'}
              onClick={copy}
              aria-label={label}
              pos="absolute"
              top={6}
              right={6}
            >
              {copied ? <IconCheck size={16} /> : <IconCopy size={16} />}
            </ActionIcon>
          </Tooltip>
        )}
      </CopyButton>
    </Box>
  );
}
