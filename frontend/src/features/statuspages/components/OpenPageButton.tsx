import { Button } from '@mantine/core';
import { IconExternalLink } from '@tabler/icons-react';
import { useMutation } from 'urql';
import { notifyError } from '@/lib/notify';
import { ViewerCookieLinkMutation } from '../api';

/**
 * Opens a private page in a new tab: a short-lived signed link from the server sets the page's
 * viewer cookie in this browser and redirects to the page. The tab opens at the click (so no
 * pop-up blocker stops it) and goes to the link once the server answered.
 */
export function OpenPageButton({ pageId }: { pageId: string }) {
  const [{ fetching }, getLink] = useMutation(ViewerCookieLinkMutation);
  async function open() {
    const tab = window.open('about:blank', '_blank');
    const result = await getLink({ pageId });
    const url = result.data?.viewerCookieLink.url;
    if (!url) {
      tab?.close();
      notifyError(result.error ?? 'The server returned no link.', 'Could not open the page');
      return;
    }
    if (tab) tab.location.href = url;
    else window.location.assign(url);
  }
  return (
    <Button variant="default" leftSection={<IconExternalLink size={16} />} loading={fetching} onClick={open}>
      Open page
    </Button>
  );
}
