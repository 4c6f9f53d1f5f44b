/**
 * Every icon the product shows, drawn as SVG (lucide). Icons never come from the font: a wall PC
 * or laptop without an emoji font drew 🎯 and ⏭ as empty boxes. Each icon is 1em, sits on the
 * text's baseline and takes its colour from the text (currentColor), and is hidden from screen
 * readers (the words beside it say what it means).
 */
import type { ComponentType } from 'react';
import {
  ArrowBigUp,
  Check,
  Circle,
  CircleDashed,
  CircleQuestionMark,
  Download,
  FileSpreadsheet,
  Pause,
  Play,
  RefreshCw,
  RotateCcw,
  SkipForward,
  Target,
  TriangleExclamationPoint,
  Upload,
  Volume2,
  VolumeX,
  X,
  type LucideProps,
} from 'lucide-react';

type IconProps = { className?: string; filled?: boolean; title?: string };

function icon(Svg: ComponentType<LucideProps>, name: string) {
  const Icon = ({ className, filled, title }: IconProps) => (
    <Svg
      className={`icon icon-${name}${className ? ` ${className}` : ''}`}
      size="1em"
      strokeWidth={2.5}
      fill={filled ? 'currentColor' : 'none'}
      aria-hidden={title ? undefined : true}
      aria-label={title}
      role={title ? 'img' : undefined}
      data-icon={name}
    />
  );
  Icon.displayName = `Icon(${name})`;
  return Icon;
}

export const IconWarning = icon(TriangleExclamationPoint, 'warning');
export const IconCheck = icon(Check, 'check');
export const IconCross = icon(X, 'cross');
export const IconPending = icon(CircleDashed, 'pending');
export const IconUnknown = icon(CircleQuestionMark, 'unknown');
export const IconDot = icon(Circle, 'dot');
export const IconEscalated = icon(ArrowBigUp, 'escalated');
export const IconSound = icon(Volume2, 'sound');
export const IconMuted = icon(VolumeX, 'muted');
export const IconPlay = icon(Play, 'play');
export const IconPause = icon(Pause, 'pause');
export const IconSkip = icon(SkipForward, 'skip');
export const IconDrill = icon(Target, 'drill');
export const IconReplay = icon(RotateCcw, 'replay');
export const IconDownload = icon(Download, 'download');
export const IconUpload = icon(Upload, 'upload');
export const IconFile = icon(FileSpreadsheet, 'file');
export const IconRefresh = icon(RefreshCw, 'refresh');
