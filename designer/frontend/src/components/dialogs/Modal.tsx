/** An accessible modal: labelled, focus moved in and kept in, Escape closes, focus returns after. */
import { type ReactNode, useEffect, useId, useRef } from "react";
import { Icon } from "../Icon";

interface Props {
  title: string;
  testId: string;
  onClose: () => void;
  children: ReactNode;
  footer?: ReactNode;
  wide?: boolean;
}

const FOCUSABLE = 'button:not([disabled]), [href], input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

export function Modal({ title, testId, onClose, children, footer, wide }: Props) {
  const titleId = useId();
  const ref = useRef<HTMLDivElement>(null);
  const closeRef = useRef(onClose);
  closeRef.current = onClose;

  useEffect(() => {
    const previous = document.activeElement as HTMLElement | null;
    const box = ref.current;
    const first = box?.querySelector<HTMLElement>(`.fd-modal__body ${FOCUSABLE}`) ?? box?.querySelector<HTMLElement>(FOCUSABLE);
    first?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape") {
        e.stopPropagation();
        closeRef.current();
      } else if (e.key === "Tab" && box) {
        const items = [...box.querySelectorAll<HTMLElement>(FOCUSABLE)];
        if (!items.length) return;
        const [head, tail] = [items[0]!, items[items.length - 1]!];
        if (!box.contains(document.activeElement)) {
          e.preventDefault();
          head.focus();
        } else if (e.shiftKey && document.activeElement === head) {
          e.preventDefault();
          tail.focus();
        } else if (!e.shiftKey && document.activeElement === tail) {
          e.preventDefault();
          head.focus();
        }
      }
    };
    // On the document, so Escape and Tab work even when focus fell out (e.g. a button got disabled).
    document.addEventListener("keydown", onKey);
    return () => {
      document.removeEventListener("keydown", onKey);
      previous?.focus?.();
    };
  }, []);

  return (
    <div className="fd-overlay">
      <div ref={ref} className={wide ? "fd-modal fd-modal--wide" : "fd-modal"} role="dialog" aria-modal="true" aria-labelledby={titleId} data-testid={testId}>
        <header className="fd-modal__header">
          <h2 id={titleId}>{title}</h2>
          <button type="button" className="fd-icon-btn" aria-label="Close" onClick={onClose}>
            <Icon name="close" size={16} />
          </button>
        </header>
        <div className="fd-modal__body">{children}</div>
        {footer && <footer className="fd-modal__footer">{footer}</footer>}
      </div>
    </div>
  );
}
