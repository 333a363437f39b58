import { Alert, Button } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import type { CombinedError } from '@urql/core';
import { describeError } from '@/lib/notify';

export function QueryError({ error, onRetry }: { error: CombinedError; onRetry?: () => void }) {
  return (
    <Alert
      color="red"
      variant="light"
      title="Could not load this page"
      icon={<IconAlertTriangle size={18} />}
      role="alert"
    >
      {describeError(error)}
      {onRetry && (
        <div>
          <Button size="xs" variant="white" color="red" mt="sm" onClick={onRetry}>
            Try again
          </Button>
        </div>
      )}
    </Alert>
  );
}
