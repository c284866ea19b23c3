import { useEffect, useState } from 'react';
import { formatDuration, formatTime } from '../format.ts';

/** Time left before the day's cut-off for payment updates (an ISO time), ticking every half minute. */
export function Countdown({ cutOff }: { cutOff: string }) {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const timer = setInterval(() => setNow(new Date()), 30_000);
    return () => clearInterval(timer);
  }, []);
  const left = Math.max(0, Date.parse(cutOff) - now.getTime());
  const time = formatTime(cutOff);
  return (
    <p className={left > 0 && left < 3600_000 ? 'countdown urgent' : 'countdown'} role="timer">
      {left > 0
        ? `Còn ${formatDuration(left)} đến ${time} (hạn cập nhật chi trả hôm nay)`
        : `Đã quá ${time}: cập nhật từ giờ được ghi là trễ.`}
    </p>
  );
}
