import './base.css';
import './dialogs.css';
import './open.css';
